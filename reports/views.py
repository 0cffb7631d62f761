"""Statistics pages: dashboard, drill-down, exports, targets, recompute, publication, report, public page.

Thin: each view validates input with a form, calls one selector or service and renders. Access:
monitors see the province, agency leaders their own agencies (`selectors.report_scope`); any other
signed-in user gets 404; anonymous users are sent to the login page. `/cong-khai/` is public.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.replica import reads_replica
from procedures.models import Level
from procedures.search import normalize
from reports import counter, exports, opendata, plan, selectors, services
from reports.forms import (
    AreaTrendForm,
    DrilldownForm,
    ExportForm,
    MonthForm,
    PlanForm,
    PlanTargetForm,
    PublicFilterForm,
    PublishForm,
    RecomputeForm,
    TargetForm,
    TicketDrilldownForm,
)
from reports.models import MonthlyReport, OnlineRateTarget, OpenDataPackage, PlanTarget
from reports.months import parse_month
from reports.structure import GroupingNotInStructure


def _scope(request):
    """None = whole province; a list = the leader's agencies. 404 for everyone else."""
    scope = selectors.report_scope(request.user)
    if scope == []:
        raise Http404
    return scope


def _require_monitor(request):
    if selectors.report_scope(request.user) is not None:
        raise Http404


def _default_month(months=None):
    months = selectors.computed_months() if months is None else months
    return months[0] if months else timezone.localdate().replace(day=1)


@login_required
@reads_replica
def dashboard(request):
    scope = _scope(request)
    form = MonthForm(request.GET)
    valid = form.is_valid()
    months = selectors.computed_months()  # once: the default month and the month chooser
    month = (form.cleaned_data["month"] if valid else None) or _default_month(months)
    sort = (form.cleaned_data.get("sort") if valid else "") or "name"
    area_form = AreaTrendForm(request.GET)
    area = area_form.cleaned_data.get("area") if area_form.is_valid() else None
    valid = valid and not area_form.errors
    # A month that is not one (0000-01, 9999-12, 2025-13) is the visitor's error: 400 with the form's
    # message, the page showing the default month.
    return render(request, "reports/dashboard.html", status=200 if valid else 400, context={
        "form": form, "month": month, "months": months, "sort": sort, "scope": scope,
        "is_monitor": scope is None, "published": selectors.is_published(month),
        "computed_at": selectors.month_computed_at(month=month),
        "body": _dashboard_body(request, month=month, sort=sort, scope=scope),
        "recompute_form": RecomputeForm(initial={"start": f"{month:%Y-%m}", "end": f"{month:%Y-%m}"}),
        "task_id": request.GET.get("task", ""),
        "area_form": area_form,
        "area_trend": selectors.area_trend(district=area, end_month=month, agency_ids=scope) if area else None,
        "reports": MonthlyReport.objects.filter(month=month).order_by("-created_at")[:5] if scope is None else [],
    })


# Rows per page of each table on the dashboard (every agency of the province is 300–500 rows; a page of
# all of them was 1.5 MB of HTML). The exports and the monthly report keep every row.
DASHBOARD_TABLE_ROWS = 12
# Query parameter of each table's page: the grouped tables, the score table (same rows as the agency
# table, so it follows the agency table's page) and the catalogue indicators.
PAGE_PARAMS = {group: f"page_{group}" for group in (*selectors.TABLE_TITLES, "catalogue")}
ANCHORS = {"catalogue": "catalogue-title"}  # the id of each table's heading, where a page link lands


def _table_pages(request):
    """The page asked for of every table (1 when absent or not a number)."""
    pages = {}
    for name, param in PAGE_PARAMS.items():
        value = request.GET.get(param, "")
        pages[name] = int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1
    return pages


def _pager(rows, name, pages, *, month, sort):
    """One page of `rows` and the links to the pages around it, keeping the month, the sort and the
    other tables' pages (each link ends at the table's anchor)."""
    page = Paginator(rows, DASHBOARD_TABLE_ROWS).get_page(pages[name])
    if page.paginator.num_pages == 1:
        return page, None

    def link(number):
        query = QueryDict(mutable=True)
        query.update({"month": f"{month:%Y-%m}", "sort": sort})
        for other, value in pages.items():
            if value != 1 and other != name:
                query[PAGE_PARAMS[other]] = str(value)
        if number != 1:
            query[PAGE_PARAMS[name]] = str(number)
        return f"?{query.urlencode()}#{ANCHORS.get(name, name)}"

    return page, {
        "page": page, "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "first": link(1), "last": link(page.paginator.num_pages),
    }


def _dashboard_body(request, *, month, sort, scope):
    """The month's figures as HTML, from the cache when nothing they show has changed.

    Rendering the tables (every agency, 15 columns, its 766 score and catalogue indicators) costs far
    more than reading them, and they change only when a month is recomputed or a target is set:
    `selectors.dashboard_version` is part of the key, so a recompute shows at once. The catalogue
    indicators follow catalogue edits within REPORTS_DASHBOARD_CACHE_SECONDS. With Redis down the
    cache misses (portal.cache) and the page is rendered each time. Each table shows
    DASHBOARD_TABLE_ROWS rows per page (the page of each table is in the key too); the ranking and the
    KPIs are computed over every row.
    """
    pages = _table_pages(request)
    key = "reports:dashboard:" + hashlib.sha256(repr((
        month, selectors.dashboard_version(month=month), scope, sort, get_language(), timezone.localdate(),
        sorted(pages.items()),
    )).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        context = selectors.report_context(month=month, user=request.user, sort=sort)
        pagers = {}
        for group, rows in list(context["tables"].items()):
            page, pagers[group] = _pager(rows, group, pages, month=month, sort=sort)
            context["tables"][group] = page.object_list
            if group == "agency":  # the score table lists the same agencies, on the same page
                offset = (page.number - 1) * DASHBOARD_TABLE_ROWS
                context["scores"] = context["scores"][offset:offset + len(page.object_list)]
        catalogue = selectors.catalogue_indicators(today=timezone.localdate(), agency_ids=scope)
        page, pagers["catalogue"] = _pager(catalogue, "catalogue", pages, month=month, sort=sort)
        context.update({"sort": sort, "metrics": selectors.METRICS, "catalogue": page.object_list,
                        "pagers": pagers})
        body = render_to_string("reports/_dashboard_body.html", context, request=request)
        cache.set(key, body, settings.REPORTS_DASHBOARD_CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308 — our own template's output, escaped when it was rendered


def _drilldown_agencies(request, data, scope):
    if data.get("agency"):
        agency_ids = [data["agency"]]
    elif data.get("group") and data["group"] != "province":
        agency_ids = selectors.group_agency_ids(month=data["month"], group=data["group"], key=data.get("key"))
    else:
        agency_ids = None
    if scope is not None:
        agency_ids = [a for a in (agency_ids or scope) if a in scope]
        if not agency_ids:
            raise Http404
    return agency_ids


def _dossiers_for(request, data, scope, metric=None):
    """The dossiers behind one figure, as they were when the month was computed unless `live` (so the
    list and the tile count the same dossiers, issue 21 item 13)."""
    agency_ids = _drilldown_agencies(request, data, scope)
    as_of = None if data.get("live") else selectors.month_computed_at(month=data["month"])
    dossiers = selectors.metric_dossiers(user=request.user, month=data["month"], metric=metric or data["metric"],
                                         as_of=as_of)
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    return dossiers.select_related("procedure", "receiving_agency").order_by("code")


def _rate_box(request, data, scope, count):
    """A rate's numerator, denominator and those that missed, each with its count and its list."""
    if not data.get("rate"):
        return None
    numerator, denominator, missed = selectors.rate_parts(data["rate"])
    parts = []
    for role, metric in ((_("Tử số"), numerator), (_("Mẫu số"), denominator), (_("Không đạt"), missed)):
        if metric is None:
            continue
        n = count if metric == data["metric"] else _dossiers_for(request, data, scope, metric).count()
        query = request.GET.copy()
        query.pop("page", None)
        query["metric"] = metric
        parts.append({"role": role, "metric": metric, "label": selectors.METRICS[metric], "count": n,
                      "current": metric == data["metric"], "query": query.urlencode()})
    top, bottom = parts[0]["count"], parts[1]["count"]
    return {"label": selectors.RATE_LABELS[data["rate"]], "parts": parts,
            "value": selectors.percent(top, bottom)}


@login_required
@reads_replica
def dossier_list(request):
    scope = _scope(request)
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/dossiers.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        dossiers = _dossiers_for(request, data, scope)
    except GroupingNotInStructure as error:
        form.add_error("group", error.message)
        return render(request, "reports/dossiers.html", {"form": form}, status=400)
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    live = query.copy()
    live["live"] = "on"
    computed = query.copy()
    computed.pop("live", None)
    return render(request, "reports/dossiers.html", {
        "form": form, "page": page, "metric_label": selectors.METRICS[data["metric"]], "month": data["month"],
        "query": query.urlencode(), "live": data.get("live"), "live_query": live.urlencode(),
        "computed_query": computed.urlencode(), "computed_at": selectors.month_computed_at(month=data["month"]),
        "rate": _rate_box(request, data, scope, page.paginator.count),
    })


@login_required
@reads_replica
def ticket_list(request):
    """The queue tickets behind a counter figure of the monthly table (issue 19): number, day, times and
    wait, counter, state and the dossier taken in — never a person's data (tickets hold none)."""
    scope = _scope(request)
    form = TicketDrilldownForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/tickets.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        agency_ids = _drilldown_agencies(request, data, scope)
    except GroupingNotInStructure as error:
        form.add_error("group", error.message)
        return render(request, "reports/tickets.html", {"form": form}, status=400)
    as_of = None if data.get("live") else selectors.month_computed_at(month=data["month"])

    def tickets(metric):
        return counter.metric_tickets(month=data["month"], metric=metric, agency_ids=agency_ids, as_of=as_of)

    listed = tickets(data["metric"]).select_related("agency", "counter", "field", "procedure", "dossier").order_by(
        "day", "agency__name", "number")
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    parts = []
    if data.get("rate"):
        for role, metric in zip((_("Tử số"), _("Mẫu số"), _("Không đạt")), counter.TICKET_RATES[data["rate"]],
                                strict=True):
            if metric is None:
                continue
            part_query = query.copy()
            part_query["metric"] = metric
            parts.append({"role": role, "label": counter.TICKET_METRICS[metric][0], "count": tickets(metric).count(),
                          "current": metric == data["metric"], "query": part_query.urlencode()})
    return render(request, "reports/tickets.html", {
        "form": form, "page": page, "month": data["month"], "query": query.urlencode(),
        "metric_label": counter.TICKET_METRICS[data["metric"]][0], "parts": parts,
        "summary": counter.ticket_summary(tickets("tickets_called")),
        "computed_at": selectors.month_computed_at(month=data["month"]), "live": data.get("live"),
    })


@login_required
@reads_replica
def export(request):
    scope = _scope(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    try:
        return _export(request, data, scope)
    except GroupingNotInStructure as error:
        return JsonResponse({"errors": {"table": [str(error.message)]}}, status=400)


def _export(request, data, scope):
    if data["table"] == "dossiers":
        if not data.get("metric"):
            return JsonResponse({"errors": {"metric": [_("Vui lòng chọn chỉ số.")]}}, status=400)
        columns = exports.DOSSIER_COLUMNS
        rows = _dossiers_for(request, data, scope).values(*[f for f, _label in columns])
        title = selectors.METRICS[data["metric"]]
    else:
        columns = exports.GROUP_COLUMNS
        rows = selectors.monthly_groups(month=data["month"], group=data["table"], agency_ids=scope)
        title = selectors.TABLE_TITLES[data["table"]]
    extension = "csv" if data["format"].startswith("csv") else data["format"]
    suffix = "-excel" if data["format"] == "csv-excel" else ""
    filename = f"thong-ke-{data['month']:%Y-%m}-{data['table']}{suffix}.{extension}"
    if data["format"].startswith("csv"):
        response = HttpResponse(exports.to_csv(columns, rows, excel=data["format"] == "csv-excel"),
                                content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx([(title, columns, rows)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def targets(request):
    _require_monitor(request)
    form = TargetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.target_set(year=data["year"], rate=data["rate"], level=data["level"] or "",
                            scheme=data["scheme"] or "", agency=data["agency"], actor=request.user)
        messages.success(request, _("Đã lưu chỉ tiêu."))
        return redirect("reports:targets")
    rows = OnlineRateTarget.objects.select_related("agency").order_by("-year", "agency__name", "level")
    return render(request, "reports/targets.html", {"form": form, "targets": rows}, status=400 if form.errors else 200)


@login_required
@require_POST
def target_delete(request, pk):
    _require_monitor(request)
    services.target_delete(target=get_object_or_404(OnlineRateTarget, pk=pk))
    messages.success(request, _("Đã xóa chỉ tiêu."))
    return redirect("reports:targets")


@login_required
@require_POST
def recompute(request):
    _require_monitor(request)
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reports:dashboard")
    try:
        task_id = services.recompute_start(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    except services.RecomputeNotQueued as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('reports:dashboard')}?month={form.cleaned_data['end']:%Y-%m}")
    messages.success(request, _("Đã đưa việc tính lại vào hàng đợi."))
    return redirect(f"{reverse('reports:dashboard')}?month={form.cleaned_data['end']:%Y-%m}&task={task_id}")


# Celery task states as the reader sees them (the raw state is English and technical).
TASK_STATE_LABELS = {
    "PENDING": gettext_lazy("Đang chờ"), "RECEIVED": gettext_lazy("Đang chờ"), "STARTED": gettext_lazy("Đang tính"),
    "PROGRESS": gettext_lazy("Đang tính"), "RETRY": gettext_lazy("Đang thử lại"), "SUCCESS": gettext_lazy("Hoàn tất"),
    "FAILURE": gettext_lazy("Không thành công"), "REVOKED": gettext_lazy("Đã hủy"),
    "UNAVAILABLE": gettext_lazy("Chưa đọc được tiến độ: hàng đợi tạm thời gián đoạn"),
}


@login_required
def task_status(request, task_id):
    """Progress bar fragment (htmx polls it; without JavaScript the page links to it)."""
    _require_monitor(request)
    progress = services.task_progress(task_id)
    progress["label"] = TASK_STATE_LABELS.get(progress["state"], progress["state"])
    template = "reports/_progress.html" if request.headers.get("HX-Request") else "reports/task.html"
    return render(request, template, {"progress": progress})


@login_required
@require_POST
def publish(request):
    _require_monitor(request)
    form = PublishForm(request.POST)
    if form.is_valid():
        services.month_publish(month=form.cleaned_data["month"], actor=request.user,
                               published=form.cleaned_data["published"])
        messages.success(request, _("Đã cập nhật công khai số liệu tháng."))
        return redirect(f"{reverse('reports:dashboard')}?month={form.cleaned_data['month']:%Y-%m}")
    messages.error(request, _("Tháng không hợp lệ."))
    return redirect("reports:dashboard")


@login_required
@require_POST
def report_create(request):
    _require_monitor(request)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tháng không hợp lệ."))
        return redirect("reports:dashboard")
    report, created = services.monthly_report_request(month=form.cleaned_data["month"], actor=request.user)
    if created:
        messages.success(request, _("Báo cáo đang được tạo; tải về khi có liên kết."))
    else:
        messages.info(request, _("Báo cáo tháng này đang được tạo theo một yêu cầu trước (lúc %(time)s); "
                                 "tải về khi có liên kết.") % {"time": date_format(
                                     timezone.localtime(report.created_at), "H:i d/m/Y")})
    return redirect(f"{reverse('reports:dashboard')}?month={form.cleaned_data['month']:%Y-%m}#bao-cao")


@login_required
def report_view(request, pk):
    _require_monitor(request)
    report = get_object_or_404(MonthlyReport, pk=pk, ready=True)
    return HttpResponse(report.html)


@login_required
def report_appendix(request, pk):
    _require_monitor(request)
    report = get_object_or_404(MonthlyReport, pk=pk, ready=True)
    response = HttpResponse(report.appendix.read(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="phu-luc-{report.month:%Y-%m}.xlsx"'
    return response


@login_required
def report_pdf(request, pk):
    _require_monitor(request)
    report = get_object_or_404(MonthlyReport, pk=pk, ready=True)
    response = HttpResponse(report.pdf.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{report.month:%Y-%m}.pdf"'
    return response


PUBLIC_PAGE_SIZE = 20
PUBLIC_TILES = [
    ("received", gettext_lazy("Hồ sơ tiếp nhận"), False),
    ("online_rate", gettext_lazy("Tỷ lệ hồ sơ trực tuyến"), True),
    ("on_time_rate", gettext_lazy("Tỷ lệ giải quyết đúng hạn"), True),
    ("digitization_rate", gettext_lazy("Tỷ lệ số hóa hồ sơ"), True),
    ("satisfaction_rate", gettext_lazy("Tỷ lệ hài lòng"), True),
]


@reads_replica
def public(request):
    """Công khai: the province's figures first, then a finder for one's department or commune (a name
    typed with or without accents, a kind of unit; 20 per page), the figures by level, and the month's
    open data package. Published months only; aggregates only, small cells suppressed as in the open
    data (`reports.opendata.suppress`)."""
    months = selectors.published_months()
    form = PublicFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/public.html", {"months": months, "month": None, "form": form}, status=400)
    data = form.cleaned_data
    month = data["month"] or (months[0] if months else None)
    if month is not None and month not in months:
        raise Http404
    context = {"months": months, "month": month, "form": form}
    if month is not None:
        totals = opendata.suppress([selectors.month_totals(month=month) or {}])[0]
        rows = opendata.suppress(selectors.monthly_groups(month=month, group="agency"))
        needle = normalize(data["q"])
        found = [r for r in rows if (not needle or needle in normalize(str(r["name"])))
                 and (not data["kind"] or r.get("level") == data["kind"])]
        query = request.GET.copy()
        query.pop("page", None)
        context.update({
            "totals": totals, "tiles": [(label, totals.get(field), is_rate) for field, label, is_rate in PUBLIC_TILES],
            "levels": opendata.suppress(selectors.monthly_groups(month=month, group="level")),
            "page": Paginator(found, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page")),
            "found": len(found), "filtered": bool(needle or data["kind"]), "query": query.urlencode(),
            "package": services.open_data_package_ensure(month=month), "small_cell": opendata.SMALL_CELL,
        })
    return render(request, "reports/public.html", context)


# --- open data (public) ---------------------------------------------------------------------------
def _published_month(value):
    try:
        month = parse_month(value)
    except ValueError:
        raise Http404 from None
    if month not in selectors.published_months():
        raise Http404
    return month


def open_data_index(request):
    """Every package version of every published month, newest first (old versions stay listed)."""
    months = selectors.published_months()
    for month in months:
        services.open_data_package_ensure(month=month)
    packages = OpenDataPackage.objects.filter(month__in=months).defer("files").order_by("-month", "-version")
    return render(request, "reports/open_data.html", {"packages": packages,
                                                      "definitions_version": opendata.definitions_version()})


def open_data_file(request, month, version, name):
    """One file of one package version: its URL never changes and its content never does."""
    package = get_object_or_404(OpenDataPackage, month=_published_month(month), version=version)
    if name not in package.files:
        raise Http404
    response = HttpResponse(package.files[name], content_type=opendata.content_type(name))
    response["Content-Disposition"] = f'inline; filename="motcua-{package.month:%Y-%m}-v{version}-{name}"'
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site's scripts
    return response


def open_data_latest(request, month, name):
    """The same file in the month's current version (a redirect, so a client can pin the version)."""
    package = services.open_data_package_ensure(month=_published_month(month))
    if package is None or name not in package.files:
        raise Http404
    return redirect("reports:open-data-file", month=f"{package.month:%Y-%m}", version=package.version, name=name)


# --- the one-stop plan panel ----------------------------------------------------------------------
@login_required
def plan_panel(request):
    """Kế hoạch một cửa: each plan indicator of a year against its target, with the trend over years;
    for one agency (the targets of its level) or the whole scope. Monitors see every agency, leaders
    their own."""
    scope = _scope(request)
    form = PlanForm(request.GET)
    if scope is not None:
        form.fields["agency"].queryset = form.fields["agency"].queryset.filter(pk__in=scope)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    year = data.get("year") or timezone.localdate().year
    result = plan.panel(year=year, agency=data.get("agency"), agency_ids=scope)
    return render(request, "reports/plan.html", {"form": form, "panel": result, "is_monitor": scope is None,
                                                 "source": plan.PLAN_SOURCE}, status=200 if valid else 400)


@login_required
def plan_targets(request):
    """The centre's plan targets per year and level; a year without an entered target uses the plan's."""
    _require_monitor(request)
    form = PlanTargetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.plan_target_set(indicator=data["indicator"], year=data["year"], level=data["level"] or "",
                                 value=data["value"], actor=request.user)
        messages.success(request, _("Đã lưu chỉ tiêu kế hoạch."))
        return redirect("reports:plan-targets")
    year = timezone.localdate().year
    defaults = [{"indicator": i, "levels": [(label, i.default_target(year, level))
                                            for level, label in [("", _("Mọi cấp")), *Level.choices]]}
                for i in plan.INDICATORS]
    return render(request, "reports/plan_targets.html", {
        "form": form, "defaults": defaults, "year": year,
        "targets": [(t, plan.BY_CODE.get(t.indicator)) for t in PlanTarget.objects.select_related("updated_by")],
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def plan_target_delete(request, pk):
    _require_monitor(request)
    services.plan_target_delete(target=get_object_or_404(PlanTarget, pk=pk))
    messages.success(request, _("Đã xóa chỉ tiêu kế hoạch; chỉ tiêu mặc định của kế hoạch được áp dụng lại."))
    return redirect("reports:plan-targets")
