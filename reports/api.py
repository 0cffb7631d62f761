"""Reports API (DRF): monthly figures per group, recompute on demand, task progress.

Who may read `monthly`: provincial monitors (everything), agency leaders (their own agencies: every
group is summed over their agencies' rows only), and anyone — anonymous included — for months the
monitor has PUBLISHED (aggregates only, no personal data; the same figures as /cong-khai/).
Anyone else gets 404 (existence of the month's figures is not revealed).
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import selectors, services
from reports.serializers import (
    MonthlyGroupSerializer,
    MonthlyQuerySerializer,
    RecomputeSerializer,
    TaskIdSerializer,
    TaskStateSerializer,
)

MONTHLY_DESCRIPTION = """Monthly statistics per group (sums of the per-agency rows; rates recomputed from sums).

* `month` = YYYY-MM (Asia/Ho_Chi_Minh); `group` = agency | district | level | province.
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
  agencies (and, after July 2025, units without a district).
* Access: monitors all; agency leaders their agencies; anyone for published months.
"""


def _scope_or_404(request, month):
    scope = selectors.report_scope(request.user)
    if scope is None or selectors.is_published(month):
        return None  # monitors; published months are public (the same figures as /cong-khai/)
    if scope:
        return scope
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    raise Http404


class MonthlyView(APIView):
    permission_classes = [AllowAny]
    api_audiences = ("reports",)

    @extend_schema(
        summary="Monthly statistics", description=MONTHLY_DESCRIPTION,
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("group", str, enum=list(selectors.GROUPS), description="default agency"),
        ],
        responses=MonthlyGroupSerializer(many=True),
    )
    def get(self, request):
        query = MonthlyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month, group = query.validated_data["month"], query.validated_data["group"]
        scope = _scope_or_404(request, month)
        groups = selectors.monthly_groups(month=month, group=group, agency_ids=scope)
        return Response(MonthlyGroupSerializer(groups, many=True).data)


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
