"""Desk API: every officer action as `POST /api/v1/dossiers/{code}/{action}/`, and the queues.

Input is validated by the same small forms as the pages (`dossiers.forms_desk`); errors come back as
JSON with translated messages: 400 bad input, 403 role, 404 not visible, 409 lifecycle conflict.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import lifecycle, selectors, services
from dossiers.forms_desk import ACTION_FORMS, QueueFilterForm
from dossiers.models import Dossier
from dossiers.serializers import ClockPausedField

ACTION_PATTERN = "|".join(ACTION_FORMS)


class DeskDossierSerializer(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    handling_agency = serializers.CharField(source="handling_agency.name")
    assignee_name = serializers.CharField(source="assignee.full_name", default=None, allow_null=True)
    handling_agency_code = serializers.CharField(source="handling_agency.code")
    clock_paused = ClockPausedField()

    class Meta:
        model = Dossier
        fields = ["code", "status", "version", "procedure_code", "procedure_name", "handling_agency",
                  "applicant_name", "channel", "assisted", "submitted_at", "received_at", "due_date",
                  "new_due_date", "clock_paused", "clock_paused_at", "assignee_name", "fee_amount",
                  "handling_agency_code"]


ErrorSerializer = inline_serializer("DeskError", {"detail": serializers.CharField(),
                                                  "errors": serializers.DictField(required=False)})


class DossierActionView(APIView):
    permission_classes = [IsAuthenticated]
    api_audiences = ("desk",)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="desk_dossier_action",
        summary="Thao tác của cán bộ trên hồ sơ / Officer action on a dossier",
        description="Actions: " + ", ".join(ACTION_FORMS) + ". Send `version` (from the last GET) for "
                    "optimistic concurrency; 409 if the dossier changed or the action no longer applies.",
        request=inline_serializer("DeskActionInput", {
            "version": serializers.IntegerField(required=False), "reason": serializers.CharField(required=False),
            "missing": serializers.CharField(required=False, help_text="one document per line"),
            "assignee": serializers.IntegerField(required=False), "to_agency": serializers.IntegerField(required=False),
            "amount": serializers.IntegerField(required=False), "new_due_date": serializers.DateField(required=False),
            "file": serializers.FileField(required=False),
        }),
        responses={200: DeskDossierSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
                   409: ErrorSerializer},
    )
    def post(self, request, code, action):
        if not selectors.officer_agency_ids(request.user):
            raise Http404
        try:
            dossier = selectors.desk_dossier(officer=request.user, code=code)
        except Dossier.DoesNotExist:
            raise Http404 from None
        form = ACTION_FORMS[action](request.data, request.FILES, dossier=dossier)
        if not form.is_valid():
            return Response({"detail": str(_invalid()), "errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.dossier_desk_action(dossier=dossier, action=action, actor=request.user, data=form.cleaned_data)
        except (lifecycle.DossierChanged, lifecycle.TransitionNotAllowed) as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
        except lifecycle.LifecycleError as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        dossier = Dossier.objects.select_related("procedure", "handling_agency", "assignee").get(pk=dossier.pk)
        return Response(DeskDossierSerializer(dossier).data)


def _invalid():
    from django.utils.translation import gettext as _

    return _("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.")


class QueueView(APIView):
    permission_classes = [IsAuthenticated]
    api_audiences = ("desk",)

    @extend_schema(
        operation_id="desk_queue",
        summary="Hàng đợi Một cửa / Desk queue",
        parameters=[OpenApiParameter("tab", enum=list(selectors.TABS_BY_SLUG)), OpenApiParameter("after"),
                    OpenApiParameter("q"), OpenApiParameter("procedure", int), OpenApiParameter("field", int),
                    OpenApiParameter("channel"), OpenApiParameter("applicant"),
                    OpenApiParameter("date_from", OpenApiTypes.DATE, description="2000-01-01 … 2099-12-31"),
                    OpenApiParameter("date_to", OpenApiTypes.DATE, description="2000-01-01 … 2099-12-31")],
        responses={200: inline_serializer("DeskQueuePage", {
            "results": DeskDossierSerializer(many=True), "next": serializers.CharField(allow_null=True),
            "counts": serializers.DictField(child=serializers.IntegerField())}), 400: ErrorSerializer},
    )
    def get(self, request):
        if not selectors.officer_agency_ids(request.user):
            raise Http404
        tab = request.query_params.get("tab") or selectors.default_tab(request.user)
        if tab not in selectors.TABS_BY_SLUG:
            raise Http404
        form = QueueFilterForm(request.query_params)
        if not form.is_valid():  # e.g. a day out of range (issue 20 item 9)
            return Response({"detail": str(_invalid()), "errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        page = selectors.dossier_queue(officer=request.user, tab=tab, filters=form.cleaned_data,
                                       after=request.query_params.get("after"))
        return Response({"results": DeskDossierSerializer(page.rows, many=True).data, "next": page.next_cursor,
                         "counts": selectors.queue_counts(officer=request.user)})
