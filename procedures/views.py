"""Public catalogue pages: search, procedure page, template download, due-date calculator, virtual assistant."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import ratelimit
from procedures import selectors
from procedures.filters import ProcedurePageFilter
from procedures.forms import AgencyChooserForm, AssistantForm, DueDateForm
from procedures.models import Procedure, RequiredDocument
from procedures.search import closest_procedures

PAGE_SIZE = 20
WEEKDAYS = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))


def procedure_list(request):
    filterset = ProcedurePageFilter(request.GET or None, queryset=selectors.procedure_list().order_by("code"))
    valid = filterset.is_valid() if request.GET else True
    page = None
    if valid:
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    text = filterset.form.cleaned_data.get("q") if valid and request.GET else ""
    suggestions = (closest_procedures(selectors.procedure_list(), text)
                   if text and page is not None and not page.paginator.count else [])
    return render(request, "procedures/list.html", {
        "filterset": filterset, "form": filterset.form, "page": page, "query": params.urlencode(),
        "searched": bool(request.GET), "suggestions": suggestions,
    }, status=200 if valid else 400)


def procedure_detail(request, code):
    try:
        procedure = selectors.procedure_detail(code=code)
    except Procedure.DoesNotExist as error:
        raise Http404 from error
    chooser = AgencyChooserForm(request.GET or None, districts=selectors.procedure_districts(procedure=procedure))
    criteria = chooser.cleaned_data if chooser.is_valid() else {}
    agencies, agency_count = selectors.procedure_agencies(
        procedure=procedure, text=criteria.get("noi_nop", ""), district=criteria.get("huyen"),
    )
    return render(request, "procedures/detail.html", {
        "procedure": procedure, "agencies": agencies, "agency_count": agency_count, "chooser": chooser,
        "many_agencies": agency_count > selectors.AGENCY_LIST_LIMIT or bool(criteria.get("noi_nop") or criteria.get("huyen")),
        "online_open": selectors.online_submission_open(procedure=procedure),
        "steps": [line for line in procedure.steps.splitlines() if line.strip()],
        "legal_basis": [line for line in procedure.legal_basis.splitlines() if line.strip()],
        "online_only_days": [WEEKDAYS[day] for day in sorted(procedure.online_only_weekdays) if 0 <= day <= 6],
    })


def procedure_template(request, code, document_id):
    """Download the blank form (mẫu đơn, tờ khai) of a required document, when one was uploaded."""
    document = get_object_or_404(RequiredDocument, pk=document_id, procedure__code=code, procedure__is_active=True)
    if not document.template:
        raise Http404
    return FileResponse(document.template.open("rb"), as_attachment=True,
                        filename=document.template_name or document.template.name.rsplit("/", 1)[-1])


def due_date(request):
    data = request.GET.copy() if request.GET else None
    if data is not None and "received_date" not in data:
        # Opened from a procedure page ("?days=7"): reckon from now, the procedure's time filled in,
        # rather than greet the visitor with "please enter the date" (issue 21 item 8).
        now = timezone.localtime()
        data["received_date"], data["received_time"] = now.date().isoformat(), now.strftime("%H:%M")
    form = DueDateForm(data)
    result = None
    if form.is_valid():
        try:
            result = selectors.due_date_explain(received_at=form.received_at(), days=form.cleaned_data["days"])
        except ValidationError as error:  # the deadline would pass the last day handled
            form.add_error("days", error)
    return render(request, "procedures/due_date.html", {"form": form, "result": result},
                  status=400 if form.is_bound and not form.is_valid() else 200)


def assistant_allowed(request):
    """One question counted against the client's per-minute allowance (page and API share it)."""
    return ratelimit.hit(f"assistant:{ratelimit.client_ip(request)}", settings.ASSISTANT_LIMIT_PER_MINUTE, 60)


def assistant(request):
    """Trợ lý ảo: a question in everyday words -> the procedures it is about, or "không tìm thấy" and the
    catalogue search (issue 21 item 17). A plain GET form; htmx, when present, swaps only the answer."""
    form = AssistantForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        if not assistant_allowed(request):
            return render(request, "429.html", status=429)
        answer = selectors.assistant_answer(question=form.cleaned_data["q"])
    return render(request, "procedures/assistant.html", {"form": form, "answer": answer},
                  status=400 if form.is_bound and not form.is_valid() else 200)
