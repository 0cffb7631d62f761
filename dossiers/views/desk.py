"""Pages of the one-stop desk (Bộ phận Một cửa): queues, the officer's dossier page, actions, intake, prints."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import lifecycle, printing, selectors, services, uploads
from dossiers.forms_desk import (
    ACTION_FORMS,
    ApplicantForm,
    BulkForm,
    IdCardQrForm,
    IntakeDetailsForm,
    IntakeStartForm,
    QueueFilterForm,
    RegistryLookupForm,
    TrackingBookForm,
    json_ready,
)
from dossiers.models import Document, DocumentSource, Dossier, Role
from portal.client_ip import client_ip
from portal.redirects import redirect_next
from procedures.form_schema import build_form_class
from procedures.models import Agency, Field, Procedure
from procedures.selectors import working_calendar


def officer_required(view):
    """Login, then 404 for anyone without a working role in an agency (existence is not revealed)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Roles are read many times per request: load them once.
        prefetch_related_objects([request.user], "memberships")
        if not selectors.officer_agency_ids(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _get_dossier(request, code):
    try:
        return selectors.desk_dossier(officer=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None


# --- queues ---------------------------------------------------------------------------------------
@require_GET
@officer_required
def queue(request):
    officer = request.user
    tab = request.GET.get("tab") or selectors.default_tab(officer)
    if tab == selectors.SEARCH_TAB.slug:
        # A search typed again on the results page, or "Bỏ lọc" there: it was a 404 (issue 21 item 10).
        tab = selectors.default_tab(officer)
    if tab not in selectors.TABS_BY_SLUG:
        raise Http404
    agency_ids = selectors.officer_agency_ids(officer)
    procedures = Procedure.objects.filter(agencies__in=agency_ids).distinct().only("id", "code", "name")
    fields = Field.objects.filter(procedures__agencies__in=agency_ids).distinct()
    form = QueueFilterForm(request.GET or None, procedures=procedures, fields=fields)
    # A filter that is not valid (a day out of range, issue 20 item 9) is shown next to its field, with a 400.
    invalid = form.is_bound and not form.is_valid()
    filters = {} if invalid or not form.is_bound else form.cleaned_data
    calendar = working_calendar()
    page = selectors.dossier_queue(officer=officer, tab=tab, filters=filters, after=request.GET.get("after"),
                                   calendar=calendar)
    counts = selectors.queue_counts(officer=officer, calendar=calendar)
    query = request.GET.copy()
    query.pop("after", None)
    next_query = None
    if page.next_cursor:
        query["after"] = page.next_cursor
        next_query = query.urlencode()
    filter_query = request.GET.copy()
    for key in ("tab", "after"):
        filter_query.pop(key, None)
    return render(request, "desk/queue.html", {
        "tabs": [(t, counts[t.slug]) for t in selectors.TABS], "page": page, "form": form,
        "next_query": next_query, "filter_query": filter_query.urlencode(), "today": timezone.localdate(),
        "can_receive": any(m.role == Role.DESK_OFFICER for m in officer.memberships.all()),
        "specialists": selectors.specialists_of(agency_ids=agency_ids), "pick_label": _("Chọn hồ sơ"),
        # One reverse() for the page instead of one per row.
        "dossier_prefix": reverse("desk:dossier", args=["-"])[:-2],
    }, status=400 if invalid else 200)


@require_POST
@officer_required
def bulk(request):
    agency_ids = selectors.officer_agency_ids(request.user)
    form = BulkForm(request.POST, specialists=selectors.specialists_of(agency_ids=agency_ids))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect_next(request, "desk:queue")
    dossiers = list(Dossier.objects.visible_to(request.user).filter(code__in=form.cleaned_data["codes"]))
    found = {d.code for d in dossiers}
    outcomes = services.dossiers_bulk_apply(
        dossiers=dossiers, action=form.cleaned_data["action"], actor=request.user,
        assignee=form.cleaned_data.get("assignee"),
    )
    outcomes += [services.BulkOutcome(code, False, _("Không tìm thấy hồ sơ."))
                 for code in form.cleaned_data["codes"] if code not in found]
    return render(request, "desk/bulk_result.html", {"outcomes": outcomes, "action": form.cleaned_data["action"]})


# --- the dossier page and its actions -------------------------------------------------------------
def _action_auto_id(action):
    """The page holds one form per action: element ids carry the action so they stay unique (labels and
    aria-describedby keep pointing at the right field); field names are unchanged."""
    return f"id_{action}_%s"


def _dossier_page(request, dossier, *, bound=None, error=None, status=200):
    actions = services.desk_available_actions(user=request.user, dossier=dossier)
    forms = []
    for action in actions:
        if bound is not None and bound[0] == action:
            forms.append((action, bound[1]))
        else:
            forms.append((action, ACTION_FORMS[action](dossier=dossier, initial={"version": dossier.version},
                                                        auto_id=_action_auto_id(action))))
    documents = list(dossier.documents.select_related("signature"))
    return render(request, "desk/dossier.html", {
        "dossier": dossier, "action_forms": forms, "error": error,
        "explanation": services.dossier_due_explanation(dossier=dossier),
        "step": selectors.step_status(dossier=dossier),
        "applicant_documents": [d for d in documents if d.source != DocumentSource.RESULT],
        "results": [d for d in documents if d.source == DocumentSource.RESULT],
        "events": list(dossier.events.all()),
        "form_rows": selectors.dossier_form_rows(dossier=dossier),
        "prints": [d for d in printing.DOCUMENTS.values() if d.available_for(dossier)],
        "action_labels": ACTION_LABELS, "fee_items": selectors.dossier_fee_items(dossier) if dossier.fee_amount else [],
        # What the status and role allow but a guard still holds back, and why ("Trả kết quả: …").
        "waiting": [(str(a), why) for a, why in lifecycle.blocked_actions(request.user, dossier).items()],
    }, status=status)


ACTION_LABELS = {
    **{str(a): a.label for a in lifecycle.Action}, **{str(r): r.label for r in lifecycle.Recorded},
    "complete_supplement": lifecycle.Action.SUPPLEMENT.label, "record_payment": lifecycle.Action.PAY.label,
    "upload_result": gettext_lazy("Tải lên kết quả"), "late_letter": gettext_lazy("Thư xin lỗi và hẹn lại ngày trả"),
    "collect_fee": lifecycle.Recorded.COLLECT_FEE.label,
}


@require_GET
@officer_required
def dossier_detail(request, code):
    return _dossier_page(request, _get_dossier(request, code))


@require_POST
@officer_required
def dossier_action(request, code, action):
    dossier = _get_dossier(request, code)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, request.FILES, dossier=dossier, auto_id=_action_auto_id(action))
    if not form.is_valid():
        return _dossier_page(request, dossier, bound=(action, form), status=400)
    try:
        acted = services.dossier_desk_action(dossier=dossier, action=action, actor=request.user,
                                             data=form.cleaned_data)
        code = getattr(acted, "code", None) or code  # receipt gives the code proper (dated at receipt)
    except (lifecycle.DossierChanged, lifecycle.TransitionNotAllowed) as exc:
        return _dossier_page(request, _get_dossier(request, code), error=exc.message, status=409)
    except lifecycle.LifecycleError as exc:
        return _dossier_page(request, dossier, bound=(action, form), error=exc.message, status=400)
    except PermissionDenied as exc:
        return _dossier_page(request, dossier, error=str(exc), status=403)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[action]})
    if action == "receive":
        return redirect("desk:print", code=code, kind="tiep-nhan")
    if action in ("refuse", "request_supplement", "stop", "late_letter"):
        kind = {"refuse": "tu-choi", "request_supplement": "bo-sung", "stop": "dung", "late_letter": "xin-loi"}
        messages.info(request, _("Có thể in văn bản gửi công dân ở mục “In văn bản”."))
        return redirect(reverse("desk:print", kwargs={"code": code, "kind": kind[action]}))
    try:
        selectors.desk_dossier(officer=request.user, code=code)
    except Dossier.DoesNotExist:  # transferred away to an agency the officer does not belong to
        return redirect("desk:queue")
    return redirect("desk:dossier", code=code)


@require_GET
@officer_required
@xframe_options_sameorigin
def document_file(request, code, pk):
    """Serve a document inline (preview) after the same visibility check as the dossier page; audited."""
    dossier = _get_dossier(request, code)
    try:
        document = dossier.documents.exclude(file="").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404 from None
    inline = document.content_type in uploads.PREVIEWABLE  # anything else downloads, never rendered here
    response = uploads.file_response(document, attachment=not inline)
    services.document_access_record(document=document, actor=request.user, inline=inline)
    return response


# --- printable documents --------------------------------------------------------------------------
@require_GET
@officer_required
def print_document(request, code, kind, fmt="html"):
    dossier = _get_dossier(request, code)
    document = printing.DOCUMENTS.get(kind)
    if document is None or not document.available_for(dossier):
        raise Http404
    services.dossier_print_record(dossier=dossier, actor=request.user, document=document, fmt=fmt)
    if fmt == "pdf":
        pdf = printing.render_pdf(dossier=dossier, document=document, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
        return response
    return render(request, document.template, printing.document_context(dossier=dossier, document=document))


@require_GET
@officer_required
def tracking_book(request, fmt="html"):
    """Mẫu 07, the desk's tracking book: the form, then the book of the chosen agency and days (HTML to
    print, or a landscape PDF). Every dossier listed is audited as printed (personal data)."""
    agencies = list(Agency.objects.filter(pk__in=selectors.officer_agency_ids(request.user)).order_by("name"))
    today = timezone.localdate()
    initial = {"agency": agencies[0].pk if agencies else None, "date_from": today.replace(day=1), "date_to": today}
    form = TrackingBookForm(request.GET or None, agencies=agencies, initial=initial)
    if not form.is_bound or not form.is_valid():
        return render(request, "desk/tracking_book_form.html", {"form": form},
                      status=400 if form.is_bound else 200)
    data = form.cleaned_data
    agency = next(a for a in agencies if a.pk == data["agency"])
    dossiers = list(selectors.tracking_book(officer=request.user, agency_id=agency.pk, date_from=data["date_from"],
                                            date_to=data["date_to"]))
    services.tracking_book_print_record(dossiers=dossiers, actor=request.user, agency=agency, fmt=fmt)
    context = {"agency": agency, "dossiers": dossiers, "date_from": data["date_from"], "date_to": data["date_to"],
               "query": request.GET.urlencode(), "form_no": "07"}
    if fmt == "pdf":
        pdf = printing.render_html_pdf("print/tracking_book.html", context, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="so-theo-doi-{agency.code}.pdf"'
        return response
    return render(request, "print/tracking_book.html", context)


# --- counter, postal and assisted intake ----------------------------------------------------------
def _ticket_id(request):
    """The queue ticket being served (from the counter page), carried through the intake forms; else None."""
    value = request.GET.get("ticket", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


REGISTRY_SESSION_KEY = "intake_registry"  # {form token: the officer's registry look-up for that intake}
REGISTRY_NOTE_COUNTER = gettext_lazy("Từ Cơ sở dữ liệu quốc gia về dân cư (không sửa được).")


def _registry_prefill(request, token):
    return (request.session.get(REGISTRY_SESSION_KEY) or {}).get(token)


def _registry_prefill_keep(request, token, prefill):
    kept = dict(request.session.get(REGISTRY_SESSION_KEY) or {})
    kept.pop(token, None)
    kept = dict(list(kept.items())[-4:])  # a few intakes open in tabs, not every one of the day
    if prefill:
        kept[token] = prefill
    request.session[REGISTRY_SESSION_KEY] = kept


def _lock_from_registry(prefill, applicant_form, procedure_form):
    """Fields the registry filled are read-only on the form (the service keeps the record's values)."""
    for form, names in ((applicant_form, prefill["applicant"]), (procedure_form, prefill["form"])):
        for name in names:
            if name in form.fields:
                form.fields[name].widget.attrs.update({"readonly": True, "aria-readonly": "true"})
                form.fields[name].help_text = REGISTRY_NOTE_COUNTER


def _intake_documents(request, required_documents, token, waived=frozenset()):
    """(documents for dossier_intake_at_counter, {paper id: error}) from one POST of the intake form.

    A scan sent now is checked and kept for the form (replacing the one kept); a kept scan stands for
    its paper until the officer takes it off; otherwise the paper-only tick, else an error if required
    (unless the registry look-up proves what the paper would: `waived`).
    """
    if request.POST.get("unstage", "").isdigit():
        services.staged_upload_drop(officer=request.user, token=token, required_document_id=int(request.POST["unstage"]))
    documents, errors = [], {}
    for required in required_documents:
        upload = request.FILES.get(f"doc_{required.pk}")
        if upload is not None:
            try:
                services.staged_upload_put(officer=request.user, token=token, required_document=required,
                                           uploaded=upload)
            except uploads.UploadRefused as refusal:
                errors[required.pk] = refusal.message
    kept = services.staged_for(officer=request.user, token=token)
    for required in required_documents:
        if required.pk in errors:
            continue
        if required.pk in kept:
            documents.append((required, required.name, _kept_file(kept[required.pk])))
        elif request.POST.get(f"paper_{required.pk}") == "on":
            documents.append((required, required.name, None))
        elif required.required and required.pk not in waived:
            errors[required.pk] = _("Hãy quét giấy tờ này hoặc đánh dấu “chỉ có bản giấy”.")
    return documents, errors


def _kept_file(staged):
    """The kept scan as a file under its original name (the stored name is random)."""
    with staged.file.open("rb") as handle:
        return ContentFile(handle.read(), name=staged.original_name)


def _intake_rows(request, required_documents, token, posted, errors=None, waived=frozenset()):
    """Each paper of the intake form with the scan kept for it and whether its paper-only box is ticked."""
    kept = services.staged_for(officer=request.user, token=token) if posted else {}
    errors = errors or {}
    return [{"doc": required, "kept": kept.get(required.pk), "limits": uploads.field_limits(required),
             "input_suffix": str(required.pk), "error": errors.get(required.pk), "waived": required.pk in waived,
             "paper_only": posted and request.POST.get(f"paper_{required.pk}") == "on"}
            for required in required_documents]


@require_http_methods(["GET", "POST"])
@officer_required
def intake(request):
    agencies, procedures = selectors.desk_intake_choices(officer=request.user)
    if not agencies:
        raise Http404
    start = IntakeStartForm(request.GET or None, procedures=procedures, agencies=agencies)
    if not start.is_valid():
        return render(request, "desk/intake_start.html", {"start": start, "ticket_id": _ticket_id(request)})
    procedure, agency = start.cleaned_data["procedure"], start.cleaned_data["agency"]
    channel = start.cleaned_data["channel"]
    assisted = channel == "assisted"
    paper_closed = not assisted and not procedure.accepts_paper_on(timezone.localdate())
    required_documents = list(procedure.documents.all())
    FormClass = build_form_class(procedure.form_schema or [])
    reading_qr = request.method == "POST" and "read_qr" in request.POST
    looking_up = request.method == "POST" and "lookup_registry" in request.POST
    qr_form = IdCardQrForm(request.POST if reading_qr else None)
    lookup_form = RegistryLookupForm(request.POST if looking_up else None)
    # Scans and "chỉ có bản giấy" ticks survive a validation error: each scan is kept server-side under
    # the form's token (services.staging), each tick comes back checked (issue 21 item 9).
    token = services.clean_form_token(request.POST.get("form_token")) if request.method == "POST" \
        else services.new_form_token()
    data = request.POST if request.method == "POST" and not (reading_qr or looking_up) else None
    initial = qr_form.card.applicant_fields() if reading_qr and qr_form.is_valid() else None
    prefill, registry_message = None, ""
    if looking_up and lookup_form.is_valid():
        # The officer looks the applicant up in the population registry (audited); failing that, the
        # officer types the data as before (issue 17 item 2 at the counter; docs/identity.md).
        try:
            prefill, registry_message = services.registry_lookup_at_counter(
                id_number=lookup_form.cleaned_data["registry_id_number"], agency=agency, procedure=procedure,
                actor=request.user, ip_address=client_ip(request))
        except lifecycle.LifecycleError as exc:
            registry_message = exc.message
        _registry_prefill_keep(request, token, prefill)
        if prefill:
            initial = dict(prefill["applicant"])
    elif data is not None:
        prefill = _registry_prefill(request, token)
        if not services.counter_prefill_valid(prefill, actor=request.user, procedure=procedure,
                                              id_number=data.get("applicant_id_number", "").strip()):
            prefill = None  # another person's number now, or an old look-up: typed data, papers asked
    applicant_form = ApplicantForm(data, initial=initial)
    procedure_form = FormClass(data, prefix="f", initial=prefill["form"] if prefill and data is None else None)
    details_form = IntakeDetailsForm(data, procedure=procedure, agency=agency)
    waived = frozenset()
    if prefill:
        _lock_from_registry(prefill, applicant_form, procedure_form)
        waived = frozenset(r.pk for r in required_documents if r.registry_proof and r.registry_proof in prefill["proves"])
    context = {"start": start, "procedure": procedure, "agency": agency, "channel": channel,
               "assisted": assisted, "paper_closed": paper_closed, "applicant_form": applicant_form,
               "procedure_form": procedure_form, "details_form": details_form, "doc_errors": {},
               "lookup_form": lookup_form, "registry_prefill": prefill, "registry_message": registry_message,
               "qr_form": qr_form, "ticket_id": _ticket_id(request), "form_token": token}
    if request.method == "GET" or reading_qr or looking_up:
        context["required_documents"] = _intake_rows(request, required_documents, token, reading_qr or looking_up,
                                                     waived=waived)
        refused = (reading_qr and not initial) or (looking_up and not lookup_form.is_valid())
        return render(request, "desk/intake.html", context, status=400 if refused else 200)
    documents, doc_errors = _intake_documents(request, required_documents, token, waived)
    context.update(doc_errors=doc_errors,
                   required_documents=_intake_rows(request, required_documents, token, True, doc_errors, waived))
    if "unstage" in request.POST:  # a kept scan taken off: the same form again, nothing taken in
        return render(request, "desk/intake.html", context)
    if not all([applicant_form.is_valid(), procedure_form.is_valid(), details_form.is_valid()]) or doc_errors:
        return render(request, "desk/intake.html", context, status=400)
    try:
        dossier = services.dossier_intake_at_counter(
            procedure=procedure, agency=agency, actor=request.user,
            channel="online" if assisted else channel, assisted=assisted,
            form_data=json_ready(procedure_form.cleaned_data), documents=documents,
            registry_prefill=prefill, ip_address=client_ip(request), **applicant_form.cleaned_data,
            **details_form.cleaned_data,
        )
    except services.CounterClosed as exc:
        context.update(paper_closed=True, error=exc.message)
        return render(request, "desk/intake.html", context, status=400)
    except lifecycle.LifecycleError as exc:
        context["error"] = exc.message
        return render(request, "desk/intake.html", context, status=400)
    services.staged_uploads_release(officer=request.user, token=token)
    if prefill:
        _registry_prefill_keep(request, token, None)
    if context["ticket_id"]:  # taken in from a served queue ticket (issue 19)
        services.ticket_link_dossier(ticket_id=context["ticket_id"], dossier=dossier, actor=request.user)
    messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
    return redirect("desk:print", code=dossier.code, kind="tiep-nhan")
