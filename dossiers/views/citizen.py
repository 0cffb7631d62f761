"""Citizen pages: the submission wizard, my dossiers, documents, supplement, payment, withdraw, rating,
the wallet and the public look-up. Thin: each view validates input, calls one service or selector."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import access, lifecycle, services, uploads
from dossiers import citizen_selectors as selectors
from dossiers.auth import normalize_phone
from dossiers.models import Channel, Document, DocumentSource, Dossier, Rating, ResultDelivery, Status
from dossiers.selectors import dossier_fee_items
from dossiers.services.intake import dossier_fee
from dossiers.validation import check_complete, form_errors, form_for, missing_documents, registry_waived
from portal import ratelimit
from procedures.fees import fee_breakdown
from procedures.form_schema import build_form_class, display_value
from procedures.models import Procedure
from procedures.selectors import receiving_centres

logger = logging.getLogger(__name__)

LOOKUP_LIMIT_PER_MINUTE = 20


def _own(request, public_id):
    try:
        return selectors.dossier_for_citizen(user=request.user, public_id=public_id)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def dossier_fee_online(procedure):
    return dossier_fee(procedure=procedure, channel=Channel.ONLINE)


def _draft(request, public_id):
    dossier = _own(request, public_id)
    if dossier.status != Status.DRAFT:
        messages.info(request, _("Hồ sơ đã nộp, không thể sửa."))
        return None, redirect("dossier_detail", dossier.public_id)
    return dossier, None


# --- forms --------------------------------------------------------------------------------------------
class AgencyChoiceForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Cơ quan tiếp nhận"),
                                    widget=forms.RadioSelect, empty_label=None,
                                    error_messages={"required": gettext_lazy("Vui lòng chọn cơ quan tiếp nhận.")})

    # Where the result is collected (Mẫu 01 of Circular 03/2025/TT-VPCP): online by default.
    result_delivery = forms.ChoiceField(label=gettext_lazy("Nơi nhận kết quả"), choices=ResultDelivery.choices,
                                        initial=ResultDelivery.ONLINE, widget=forms.RadioSelect, required=False)
    result_address = forms.CharField(label=gettext_lazy("Địa chỉ nhận kết quả qua bưu chính"), max_length=300,
                                     required=False,
                                     help_text=gettext_lazy("Để trống: địa chỉ trong tài khoản của bạn."))
    # Decree 118/2025/NĐ-CP: a procedure received regardless of administrative boundaries may be submitted
    # at any competent centre of the province; the agency chosen above decides it.
    receiving_agency = forms.ModelChoiceField(
        queryset=None, required=False, label=gettext_lazy("Nộp tại Bộ phận Một cửa (không phụ thuộc địa giới hành chính)"),
        empty_label=gettext_lazy("Tại cơ quan giải quyết"),
        help_text=gettext_lazy("Để trống: nộp tại cơ quan giải quyết. Kết quả trả tại nơi nộp."))

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.agencies_in_force(procedure)
        if procedure.boundary_free:
            self.fields["receiving_agency"].queryset = receiving_centres(procedure)
        else:
            del self.fields["receiving_agency"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do rút hồ sơ"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("Vui lòng nêu lý do.")})
    # The version the page showed: withdrawing a dossier that changed meanwhile is refused (DossierChanged).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RatingForm(forms.Form):
    value = forms.ChoiceField(label=gettext_lazy("Mức độ hài lòng"), choices=Rating.Value.choices,
                              widget=forms.RadioSelect,
                              error_messages={"required": gettext_lazy("Vui lòng chọn mức độ hài lòng.")})
    comment = forms.CharField(label=gettext_lazy("Góp ý (không bắt buộc)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class SupplementForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Ghi chú cho cán bộ (không bắt buộc)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class LookupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã hồ sơ"), max_length=60)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại người nộp"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


# --- my dossiers and wallet -------------------------------------------------------------------------------
@login_required
@require_GET
def my_dossiers(request):
    return render(request, "dossiers/my_dossiers.html", {"dossiers": selectors.my_dossiers(user=request.user)[:200]})


@login_required
@require_GET
def wallet(request):
    return render(request, "dossiers/wallet.html", {"documents": selectors.wallet_documents(user=request.user),
                                                    "receipts": selectors.wallet_receipts(user=request.user)})


# --- the wizard -----------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def start(request, procedure_code):
    """Step 1: choose the receiving agency (prefilled from the citizen's address); POST creates the draft."""
    procedure = get_object_or_404(Procedure, code=procedure_code, is_active=True)
    agencies, suggested = selectors.agencies_for(procedure=procedure, user=request.user)
    if not agencies:
        raise Http404
    if suggested is None and len(agencies) == 1:
        suggested = agencies[0]
    form = AgencyChoiceForm(request.POST if request.method == "POST" else None, procedure=procedure,
                            initial={"agency": suggested.pk if suggested else None})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_start_online(
                procedure=procedure, agency=form.cleaned_data["agency"], applicant=request.user,
                receiving_agency=form.cleaned_data.get("receiving_agency"),
                result_delivery=form.cleaned_data["result_delivery"] or None,
                result_address=form.cleaned_data["result_address"])
        except lifecycle.LifecycleError as error:
            messages.error(request, error.message)
            status = 400
        else:
            # A verified applicant's data come from the population registry; failing that, manual entry.
            problem = services.dossier_prefill_from_registry(dossier=dossier, actor=request.user,
                                                             ip_address=ratelimit.client_ip(request))
            if problem:
                messages.warning(request, problem)
            return redirect("dossier_form", dossier.public_id)
    elif request.method == "POST":
        status = 400
    # "Tìm cơ quan": the list narrowed by name, accents or not (issue 21 item 4); the suggestion stays.
    query = (request.GET.get("q") or "").strip()[:100]
    shown = selectors.agencies_matching(agencies, query) if query else agencies
    if suggested is not None and suggested not in shown:
        shown = [suggested, *shown]
    shown_ids = {a.pk for a in shown}
    radios = [radio for radio in form["agency"] if radio.data["value"] in shown_ids]
    # The suggestion (the citizen's own commune) first, not somewhere in a long list (issue 21 item 4).
    radios.sort(key=lambda radio: suggested is None or radio.data["value"] != suggested.pk)
    context = {"procedure": procedure, "form": form, "suggested": suggested, "fee": dossier_fee_online(procedure),
               "step": 1, "query": query, "radios": radios, "no_match": bool(query) and len(shown) <= (1 if suggested else 0)}
    return render(request, "dossiers/start.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def form_step(request, public_id):
    """Step 2: the procedure's form. Saved on every POST, even with errors."""
    dossier, leave = _draft(request, public_id)
    if leave:
        return leave
    if request.method == "POST":
        errors = services.dossier_save_form(dossier=dossier, actor=request.user, data=request.POST.dict())
        form = form_for(dossier, request.POST)
        if not errors:
            if "save" in request.POST:
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("dossier_form", dossier.public_id)
            return redirect("dossier_documents", dossier.public_id)
        form.is_valid()
        _lock_registry_fields(dossier, form)
        return render(request, "dossiers/form_step.html", {"dossier": dossier, "form": form, "step": 2}, status=400)
    form = build_form_class(dossier.procedure.form_schema)(initial=dossier.form_data)
    _lock_registry_fields(dossier, form)
    return render(request, "dossiers/form_step.html", {"dossier": dossier, "form": form, "step": 2})


REGISTRY_NOTE = gettext_lazy("Từ Cơ sở dữ liệu quốc gia về dân cư (không sửa được).")


def _lock_registry_fields(dossier, form):
    """The fields the population registry filled are shown read-only (the service ignores them)."""
    for name in (dossier.registry_prefill or {}).get("form", ()):
        if name in form.fields:
            field = form.fields[name]
            field.widget.attrs.update({"readonly": True, "aria-readonly": "true"})
            field.help_text = REGISTRY_NOTE


def _document_rows(dossier, wallet, errors):
    documents = list(dossier.documents.all())
    waived = registry_waived(dossier)
    rows = []
    for requirement in dossier.procedure.documents.all():
        kinds = uploads.accepted_kinds(requirement)
        rows.append({
            "requirement": requirement, "kinds": uploads.kinds_label(kinds), "waived": requirement.pk in waived,
            "limits": uploads.field_limits(requirement), "input_name": f"file_{requirement.pk}",
            "documents": [d for d in documents if d.required_document_id == requirement.pk],
            "wallet": [w for w in wallet if uploads.KIND_OF_MIME.get(w.content_type) in kinds]
            if requirement.reusable else [],
            "errors": errors.get(requirement.pk, []),
        })
    return rows


def _named_or_404(documents, value):
    try:
        return selectors.document_named(documents, value)
    except Document.DoesNotExist as exc:
        raise Http404 from exc


NOT_REMOVED = gettext_lazy("Không tìm thấy giấy tờ cần gỡ bỏ; hồ sơ không thay đổi.")


def _handle_documents_post(request, dossier):
    """Apply removals, reuses and uploads from one POST; returns {requirement id: [messages]}
    (0: messages about no particular requirement)."""
    errors = {}
    requirements = {r.pk: r for r in dossier.procedure.documents.all()}
    if request.POST.get("remove"):
        document = _named_or_404(dossier.documents, request.POST["remove"])
        if document is None:
            errors.setdefault(0, []).append(NOT_REMOVED)
        else:
            services.document_remove(dossier=dossier, actor=request.user, document=document)
    if request.POST.get("reuse"):
        requirement_id, _sep, document_id = request.POST["reuse"].partition(":")
        requirement = requirements.get(int(requirement_id)) if requirement_id.isdigit() else None
        source = get_object_or_404(Document, pk=document_id if document_id.isdigit() else 0,
                                   dossier__applicant=request.user)
        try:
            services.document_reuse(dossier=dossier, actor=request.user, source=source, required_document=requirement)
        except uploads.UploadRefused as refusal:
            errors.setdefault(requirement.pk if requirement else 0, []).append(refusal.message)
    for requirement_id, requirement in requirements.items():
        for uploaded in request.FILES.getlist(f"file_{requirement_id}"):
            try:
                services.document_upload(dossier=dossier, actor=request.user, uploaded=uploaded,
                                         required_document=requirement)
            except uploads.UploadRefused as refusal:
                errors.setdefault(requirement_id, []).append(refusal.message)
    return errors


@login_required
@require_http_methods(["GET", "POST"])
def documents_step(request, public_id):
    """Step 3: one upload (or one-click reuse) per required document. A refused file keeps the rest."""
    dossier, leave = _draft(request, public_id)
    if leave:
        return leave
    errors = {}
    if request.method == "POST":
        errors = _handle_documents_post(request, dossier)
        if not errors:
            if "next" in request.POST:
                return redirect("dossier_review", dossier.public_id)
            return redirect("dossier_documents", dossier.public_id)
    wallet = selectors.wallet_documents(user=request.user)
    context = {"dossier": dossier, "rows": _document_rows(dossier, wallet, errors), "step": 3,
               "has_errors": bool(errors), "general_errors": errors.get(0, [])}
    return render(request, "dossiers/documents_step.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, public_id):
    """Step 4: everything at a glance, what is missing, and the submit button."""
    dossier, leave = _draft(request, public_id)
    if leave:
        return leave
    if request.method == "POST":
        try:
            dossier = services.dossier_submit_online(dossier=dossier, actor=request.user)
        except services.IncompleteDossier as error:
            for problem in error.problems:
                messages.error(request, problem)
        except lifecycle.LifecycleError as error:
            messages.error(request, error.message)
        else:
            return redirect("dossier_receipt", dossier.public_id)
    form = form_for(dossier)
    form.is_valid()
    specs = {spec.get("name"): spec for spec in (dossier.procedure.form_schema or [])}
    data = dossier.form_data or {}
    from_registry = set((dossier.registry_prefill or {}).get("form", ()))
    rows = [(field.label, display_value(specs.get(field.name), data.get(field.name)), field.errors,
             field.name in from_registry) for field in form]
    fee_items, fee = fee_breakdown(dossier.procedure, dossier.form_data, online=True)
    problems = check_complete(dossier)
    assurance = services.assurance_problem(procedure=dossier.procedure, user=request.user)
    context = {"dossier": dossier, "form": form, "rows": rows, "form_errors": form_errors(dossier),
               "missing": missing_documents(dossier), "problems": [assurance, *problems] if assurance else problems,
               "applicant_from_registry": set((dossier.registry_prefill or {}).get("applicant", ())),
               "waived": [r for r in dossier.procedure.documents.all() if r.pk in registry_waived(dossier)],
               "documents": dossier.documents.select_related("required_document"), "step": 4,
               "fee_items": fee_items, "fee": fee}
    return render(request, "dossiers/review.html", context)


# --- after submission -------------------------------------------------------------------------------------
def _detail(request, public_id):
    try:
        return selectors.dossier_detail(user=request.user, public_id=public_id)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def receipt(request, public_id):
    dossier = _detail(request, public_id)
    if dossier.status == Status.DRAFT:
        raise Http404
    # The fee with its calculation, as on the review page and the printed receipt (issue 21 item 2).
    fee_items = dossier_fee_items(dossier) if dossier.fee_amount else []
    return render(request, "dossiers/receipt.html", {"dossier": dossier, "fee_items": fee_items})


@login_required
@require_GET
def detail(request, public_id):
    dossier = _detail(request, public_id)
    is_applicant = dossier.applicant_id == request.user.pk
    actions = set(lifecycle.allowed_actions(request.user, dossier)) if is_applicant else set()
    supplement_request = None
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        supplement_request = [e for e in dossier.events.all() if e.action == lifecycle.Action.REQUEST_SUPPLEMENT][-1:]
    results = [d for d in dossier.documents.all() if d.source == DocumentSource.RESULT]
    context = {
        "dossier": dossier, "is_applicant": is_applicant,
        "can_withdraw": lifecycle.Action.WITHDRAW in actions,
        "can_supplement": lifecycle.Action.SUPPLEMENT in actions,
        "supplement_request": supplement_request[0] if supplement_request else None,
        "can_pay": is_applicant and services.dossier_fee_due(dossier=dossier),
        "can_rate": is_applicant and services.dossier_can_rate(dossier=dossier),
        # Bring the originals to the counter (issue 19 item 1): while the dossier is being put together or checked.
        "can_book": is_applicant and dossier.status in (Status.DRAFT, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED),
        "results": access.documents_for(request.user, dossier, results),
        "rating_form": RatingForm(),
        "events": access.timeline_for(request.user, dossier, dossier.events.all()),
    }
    return render(request, "dossiers/detail.html", context)


def supplement_slots(dossier, request_event, errors=None):
    """One upload slot per paper the supplement request (Mẫu 02) lists in `data.missing`, then one for
    other papers (issue 21 item 1). A line naming one of the procedure's papers takes that paper's
    accepted kinds. The files sent since the request are shown in the slot they were sent to."""
    errors = errors or {}
    missing = list((request_event.data or {}).get("missing", [])) if request_event else []
    since = request_event.created_at if request_event else dossier.created_at
    sent = list(dossier.documents.filter(is_supplement=True, created_at__gte=since).order_by("created_at"))
    papers = {paper.name.casefold(): paper for paper in dossier.procedure.documents.all()}
    slots = []
    for index, name in enumerate(missing, start=1):
        paper = papers.get(name.casefold())
        slots.append({"index": index, "name": name, "paper": paper, "input_name": f"slot_{index}",
                      "limits": uploads.field_limits(paper), "several": False,
                      "documents": [d for d in sent if d.name == name], "errors": errors.get(index, [])})
    other = [d for d in sent if d.name not in missing]
    slots.append({"index": 0, "name": "", "paper": None, "input_name": "files", "limits": uploads.field_limits(),
                  "several": True, "documents": other, "errors": errors.get(0, [])})
    return slots


@login_required
@require_http_methods(["GET", "POST"])
def supplement(request, public_id):
    """What the desk asked for, one upload per paper asked for, then resubmit (the legal time restarts)."""
    dossier = _own(request, public_id)
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        messages.info(request, _("Hồ sơ hiện không cần bổ sung."))
        return redirect("dossier_detail", dossier.public_id)
    request_event = dossier.events.filter(action=lifecycle.Action.REQUEST_SUPPLEMENT).order_by("-created_at").first()
    form = SupplementForm(request.POST if request.method == "POST" else None)
    errors = {}
    if request.method == "POST":
        for slot in supplement_slots(dossier, request_event):
            for uploaded in request.FILES.getlist(slot["input_name"]):
                try:
                    services.document_upload(dossier=dossier, actor=request.user, uploaded=uploaded,
                                             required_document=slot["paper"], name=slot["name"] or None,
                                             several=slot["several"])
                except uploads.UploadRefused as refusal:
                    errors.setdefault(slot["index"], []).append(refusal.message)
        if request.POST.get("remove"):
            document = _named_or_404(dossier.documents.filter(is_supplement=True), request.POST["remove"])
            if document is None:
                errors.setdefault(0, []).append(NOT_REMOVED)
            else:
                services.document_remove(dossier=dossier, actor=request.user, document=document)
        if not errors and "send" in request.POST and form.is_valid():
            try:
                services.dossier_supplement(dossier=dossier, actor=request.user, comment=form.cleaned_data["comment"])
            except lifecycle.LifecycleError as error:
                errors.setdefault(0, []).append(error.message)
            else:
                messages.success(request, _("Đã gửi hồ sơ bổ sung. Thời hạn giải quyết được tính lại từ hôm nay."))
                return redirect("dossier_detail", dossier.public_id)
        elif not errors:
            return redirect("dossier_supplement", dossier.public_id)
    slots = supplement_slots(dossier, request_event, errors)
    context = {"dossier": dossier, "request_event": request_event, "form": form, "errors": errors,
               "slots": slots, "unanswered": [s["name"] for s in slots if s["index"] and not s["documents"]]}
    return render(request, "dossiers/supplement.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    dossier = _own(request, public_id)
    form = ReasonForm(request.POST if request.method == "POST" else None, initial={"version": dossier.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"],
                                      expected_version=form.cleaned_data["version"])
        except lifecycle.LifecycleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã rút hồ sơ."))
        return redirect("dossier_detail", dossier.public_id)
    return render(request, "dossiers/withdraw.html", {"dossier": dossier, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def rate(request, public_id):
    dossier = _own(request, public_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn mức độ hài lòng."))
    else:
        try:
            services.dossier_rate(dossier=dossier, actor=request.user, value=form.cleaned_data["value"],
                                  comment=form.cleaned_data["comment"])
        except lifecycle.LifecycleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Cảm ơn Ông/Bà đã đánh giá."))
    return redirect("dossier_detail", dossier.public_id)


# --- files ----------------------------------------------------------------------------------------------------
def _document(request, document_id):
    try:
        return selectors.document_for(user=request.user, document_id=document_id)
    except Document.DoesNotExist as exc:
        raise Http404 from exc


# Officers and the monitor reach dossier files through these views too (the API's download_url): every
# serving is audited by the service, which skips the applicant's access to their own files.
@login_required
@require_GET
def document_download(request, document_id):
    document = _document(request, document_id)
    response = uploads.file_response(document, attachment=True)
    services.document_access_record(document=document, actor=request.user)
    return response


@login_required
@require_GET
@xframe_options_sameorigin
def document_preview(request, document_id):
    """Inline view for PDFs and images only (anything else downloads)."""
    document = _document(request, document_id)
    attachment = document.content_type not in uploads.PREVIEWABLE
    response = uploads.file_response(document, attachment=attachment)
    services.document_access_record(document=document, actor=request.user, inline=not attachment)
    return response


# --- public look-up ---------------------------------------------------------------------------------------------
@require_GET
def lookup(request):
    """Status only, by dossier code and the applicant's phone; no login, no personal data."""
    # A link from a notification carries only the code: prefill it, search once the phone is given.
    searching = "code" in request.GET and "phone" in request.GET
    form = LookupForm(request.GET if searching else None, initial={"code": request.GET.get("code", "")})
    context = {"form": form, "searched": False, "dossier": None}
    if searching:
        if not ratelimit.hit(f"lookup:{ratelimit.client_ip(request)}", LOOKUP_LIMIT_PER_MINUTE, 60):
            return render(request, "dossiers/rate_limited.html", status=429)
        if form.is_valid():
            context["searched"] = True
            context["dossier"] = selectors.public_lookup(code=form.cleaned_data["code"],
                                                         phone=normalize_phone(form.cleaned_data["phone"]))
    return render(request, "dossiers/lookup.html", context)
