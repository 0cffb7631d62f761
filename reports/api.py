"""Reports API (DRF): monthly figures per group, recompute on demand, task progress.

Who may read `monthly`, and which figures, by audience (`?figures=public|exact`):

* provincial monitors (the centre's analysts) and superusers: every row, exact counts (`figures=public`
  previews the public answer);
* agency leaders: their own agencies only (every group summed over their agencies' rows), exact; for a
  PUBLISHED month by default every row's public figures, their own exact ones with `figures=exact` —
  never both in one answer, since exact rows beside suppressed ones would let a hidden cell be
  recomputed from the province total;
* anyone else — anonymous included — for months the monitor has PUBLISHED: the public figures, the same
  as /cong-khai/ and the open data package: small cells suppressed by `reports.opendata.suppress`
  (counts of 1–4 and the secondary cells are null, docs/open-data.md).

For an unpublished month anyone else gets 401 (anonymous) or 404 (existence not revealed). The header
`X-Statistics-Figures` says which figures were served: `exact` or `suppressed`.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.replica import reads_replica
from procedures.models import Agency
from reports import opendata, selectors, services
from reports.serializers import (
    AgencyTrendQuerySerializer,
    AgencyTrendSerializer,
    AreaTrendQuerySerializer,
    AreaTrendSerializer,
    MonthlyGroupSerializer,
    MonthlyQuerySerializer,
    RecomputeSerializer,
    TaskIdSerializer,
    TaskStateSerializer,
)
from reports.structure import GroupingNotInStructure

MONTHLY_DESCRIPTION = """Monthly statistics per group (sums of the per-agency rows; rates recomputed from sums).

* `month` = YYYY-MM (Asia/Ho_Chi_Minh); `group` = agency | district | commune | area | level | province.
* Each month is grouped by the administrative structure in force that month:
  months before 2025-07 (three tiers): agency, district, area, level, province;
  months from 2025-07 (two tiers): agency, commune, area, level, province.
  Another grouping is a 400 naming the month's groupings (e.g. `district` for 2026-10).
  `area` = area of a former district: before 2025-07 the district itself; from 2025-07 the 2025 communes
  counted in it (each 2025 commune in ONE area; see /api/v1/reports/area-trend/ and
  docs/statistics-structure.md). `commune` key null = provincial agencies.
* Each dossier is counted for its RECEIVING agency (a transferred dossier counts once).
* `received_online` = self-service online dossiers only; dossiers an officer submitted online for the
  citizen are `received_assisted` and are NOT in `online_rate` (`online_rate_with_assisted` shows both).
* `completed` = returned in the month; on time = local return date ≤ due date (an apology letter's new
  date does not count). `overdue_open` = open and past due at the end of the month (not while waiting
  for a supplement); for the month in progress, open and past due at the moment of computing.
* `digitization_rate` = received dossiers with documents, none of them paper / received.
* `reuse_rate` = dossiers that reused a wallet document / dossiers whose procedure has a required
  reusable document.
* `online_payment_rate` = received dossiers with a fee that was paid online / received dossiers with a fee.
* `satisfaction_rate` = satisfied ratings / ratings given in the month.
* Rates: percent, one decimal, null when the denominator is 0. `district` key null = provincial
  agencies.
* Access and figures by audience (`figures` = public | exact):
  monitors (the provincial centre's analysts) get every row with exact counts (`figures=public`: what
  the public sees); agency leaders their own agencies' rows, exact — for a PUBLISHED month by default
  every row's public figures, their own exact ones with `figures=exact` (never both in one answer: an
  exact row beside suppressed ones would give a hidden cell back from the total); anyone else, anonymous
  included, a PUBLISHED month's public figures (`figures=exact` is 401/403), as on /cong-khai/ and in
  the open data package: counts of 1–4 dossiers and the cells hidden so that they cannot be recomputed
  by subtraction are `null`, and so is every rate or figure derived from a hidden count or over a
  denominator below 5 (docs/open-data.md). Header `X-Statistics-Figures`: `exact` or `suppressed`.
"""


def _audience(request, month, figures):
    """selectors.figures_audience, or the refusal as HTTP: 401 anonymous, 403 for exact figures of a
    published month, else 404 (the month's existence is not revealed)."""
    scope, public = selectors.figures_audience(user=request.user, month=month, figures=figures)
    if public is not None:
        return scope, public
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    if selectors.is_published(month):
        raise PermissionDenied(_("Số liệu chính xác chỉ dành cho Trung tâm và lãnh đạo cơ quan."))
    raise Http404


class MonthlyView(APIView):
    permission_classes = [AllowAny]
    api_audiences = ("reports",)

    @extend_schema(
        summary="Monthly statistics", description=MONTHLY_DESCRIPTION,
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("group", str, enum=list(selectors.GROUPS), description="default agency"),
            OpenApiParameter("figures", str, enum=["public", "exact"], description=(
                "public: the suppressed figures of a published month (every row); exact: the caller's "
                "rows, exact (monitors, agency leaders). Default: exact for monitors, public for a leader "
                "on a published month, public for everyone else.")),
        ],
        responses={200: OpenApiResponse(MonthlyGroupSerializer(many=True), description=(
            "Header X-Statistics-Figures: exact (monitors, agency leaders) or suppressed (the public: "
            "small cells null)."))},
    )
    @reads_replica
    def get(self, request):
        query = MonthlyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month, group = query.validated_data["month"], query.validated_data["group"]
        scope, public = _audience(request, month, query.validated_data["figures"])
        try:
            groups = selectors.monthly_groups(month=month, group=group, agency_ids=scope)
        except GroupingNotInStructure as error:
            return Response({"group": [str(error.message)], "allowed_groups": list(error.allowed)},
                            status=status.HTTP_400_BAD_REQUEST)
        if public:
            opendata.suppress(groups)
        return Response(MonthlyGroupSerializer(groups, many=True).data,
                        headers={"X-Statistics-Figures": "suppressed" if public else "exact"})


AREA_TREND_DESCRIPTION = """The area of a former district, month by month across 1 July 2025, as one line.

* `district` = the GSO code of a district of the three-tier structure; `end` = last month (YYYY-MM);
  `months` = how many months up to `end` (default 24, at most 60).
* Months before 2025-07 (`basis` = district): the sum of the district's rows (its people's committee,
  divisions and communes) — the `district` grouping of that month.
* Months from 2025-07 (`basis` = communes): the sum of the rows of the 2025 communes counted in the area
  (`mapping.communes`). A 2025 commune that absorbed communes of several districts is counted in one
  area only (the district that gave it most whole communes): `also_from` there, `counted_elsewhere` in
  the other district's answer. A former commune divided between several 2025 communes is listed in
  `split_communes`; each part is counted once, where its 2025 commune is counted.
* Counts and rates have the definitions of /api/v1/reports/monthly/. Access: monitors (the province),
  agency leaders (their agencies' rows only); others 404.
"""


def _trend_scope(request):
    scope = selectors.report_scope(request.user)
    if scope == []:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        raise Http404
    return scope


AGENCY_TREND_DESCRIPTION = """An agency month by month across the mergers, as one line.

* `agency` = the agency's electronic identifier (mã định danh); `end` = YYYY-MM; `months` (default 24).
* Each month sums the agency's rows and those of its predecessors (transitively) whose work went to it
  alone (`predecessors`): a department merged on 1/3/2025 continues the departments it absorbed.
* A predecessor divided between several successors (`split_predecessors`, e.g. a department whose
  functions went to two departments) is NOT added: its dossiers cannot be told apart by successor.
* `agencies` per month names whose rows were summed. Access: monitors; agency leaders their agencies' rows.
"""


class AgencyTrendView(APIView):
    permission_classes = [AllowAny]
    api_audiences = ("reports",)

    @extend_schema(
        summary="Trend of an agency through its predecessors", description=AGENCY_TREND_DESCRIPTION,
        parameters=[
            OpenApiParameter("agency", str, required=True, description="electronic identifier of the agency"),
            OpenApiParameter("end", str, required=True, description="YYYY-MM"),
            OpenApiParameter("months", int, description="default 24"),
        ],
        responses=AgencyTrendSerializer,
    )
    @reads_replica
    def get(self, request):
        return _trend(request, AgencyTrendQuerySerializer, AgencyTrendSerializer, "agency",
                      lambda code: Agency.objects.filter(code=code).first(),
                      _("Không có cơ quan mã %(code)s."),
                      lambda agency, **kw: selectors.agency_trend(agency=agency, **kw))


class AreaTrendView(APIView):
    permission_classes = [AllowAny]
    api_audiences = ("reports",)

    @extend_schema(
        summary="Trend of a former district's area", description=AREA_TREND_DESCRIPTION,
        parameters=[
            OpenApiParameter("district", str, required=True, description="GSO code of a former district"),
            OpenApiParameter("end", str, required=True, description="YYYY-MM"),
            OpenApiParameter("months", int, description="default 24"),
        ],
        responses=AreaTrendSerializer,
    )
    @reads_replica
    def get(self, request):
        return _trend(request, AreaTrendQuerySerializer, AreaTrendSerializer, "district",
                      lambda code: selectors.former_districts().filter(code=code).first(),
                      _("Không có huyện cũ mã %(code)s."),
                      lambda district, **kw: selectors.area_trend(district=district, **kw))


def _trend(request, query_serializer, serializer, key, find, not_found, compute):
    """What both trend endpoints share: the caller's scope, the query (`key`, `end`, `months`), a 400
    naming an unknown `key`, then the trend of what was found."""
    scope = _trend_scope(request)
    query = query_serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    subject = find(data[key])
    if subject is None:
        return Response({key: [str(not_found % {"code": data[key]})]}, status=status.HTTP_400_BAD_REQUEST)
    trend = compute(subject, end_month=data["end"], months=data["months"], agency_ids=scope)
    return Response(serializer(trend).data)


class MonitorOnly(IsAuthenticated):
    """Authenticated; a non-monitor is answered 404 by the view (existence not revealed)."""


def _require_monitor(request):
    if selectors.report_scope(request.user) is not None:
        raise Http404


class RecomputeView(APIView):
    permission_classes = [MonitorOnly]
    api_audiences = ("reports",)

    @extend_schema(summary="Recompute months", request=RecomputeSerializer,
                   responses={202: TaskIdSerializer, 503: OpenApiResponse(description="Task queue unavailable")},
                   description="Queue compute_month for every month from `start` to `end` (monitor only).")
    def post(self, request):
        _require_monitor(request)
        data = RecomputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task_id = services.recompute_start(start=data.validated_data["start"], end=data.validated_data["end"])
        except services.RecomputeNotQueued as error:
            return Response({"detail": str(error.message)}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                            headers={"Retry-After": "60"})
        return Response({"task_id": task_id}, status=status.HTTP_202_ACCEPTED)


class TaskView(APIView):
    permission_classes = [MonitorOnly]
    api_audiences = ("reports",)

    @extend_schema(summary="Task progress", responses=TaskStateSerializer,
                   description=str(_("Trạng thái và tiến độ của tác vụ tính lại (PENDING, PROGRESS, SUCCESS, FAILURE).")))
    def get(self, request, task_id):
        _require_monitor(request)
        return Response(TaskStateSerializer(services.task_progress(task_id)).data)
