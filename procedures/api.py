"""Read-only catalogue API (anonymous allowed), the due-date calculator and the virtual assistant."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api_auth import ALL_AUDIENCES
from procedures import selectors
from procedures.filters import AgencyFilter, ProcedureFilter, UnitFilter
from procedures.models import Procedure
from procedures.serializers import (
    AgencySerializer,
    AssistantAnswerSerializer,
    AssistantQuerySerializer,
    DueDateQuerySerializer,
    DueDateSerializer,
    FieldSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
    UnitSerializer,
)
from procedures.views import assistant_allowed


class ReadOnlyPublic:
    permission_classes = [AllowAny]
    api_audiences = ALL_AUDIENCES  # the public catalogue serves every bearer-token scope


class ProcedureListApi(ReadOnlyPublic, generics.ListAPIView):
    """Search the catalogue: words accent-insensitive (`q`), filters by field, level, agency, online mode."""

    serializer_class = ProcedureListSerializer
    filterset_class = ProcedureFilter

    def get_queryset(self):
        return selectors.procedure_list().order_by("code")


class ProcedureDetailApi(ReadOnlyPublic, generics.RetrieveAPIView):
    serializer_class = ProcedureDetailSerializer
    lookup_field = "code"

    def get_object(self):
        try:
            return selectors.procedure_detail(code=self.kwargs["code"])
        except Procedure.DoesNotExist as error:
            raise Http404 from error


class FieldListApi(ReadOnlyPublic, generics.ListAPIView):
    serializer_class = FieldSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.field_list()


class AgencyListApi(ReadOnlyPublic, generics.ListAPIView):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return selectors.agency_list()


class UnitListApi(ReadOnlyPublic, generics.ListAPIView):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        return selectors.unit_list()


class DueDateApi(ReadOnlyPublic, APIView):
    """Due date from a receipt time and a number of working days, with the rule behind each day."""

    @extend_schema(
        parameters=[
            OpenApiParameter("received_at", OpenApiTypes.DATETIME, required=True,
                             description="ISO 8601, e.g. 2026-02-13T10:00+07:00"),
            OpenApiParameter("days", OpenApiTypes.INT, required=True, description="0–365 working days"),
            OpenApiParameter("procedure", OpenApiTypes.STR, required=False,
                             description="procedure code: applies its receipt cut-off, if its rule sets one "
                                         "(none by default; the province default otherwise)"),
        ],
        responses=DueDateSerializer,
    )
    def get(self, request):
        query = DueDateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        code = params.pop("procedure", None)
        procedure = None
        if code:
            procedure = Procedure.objects.filter(code=code).first()
            if procedure is None:
                raise ValidationError({"procedure": [_("Không tìm thấy thủ tục có mã này.")]})
        try:
            result = selectors.due_date_explain(**params, procedure=procedure)
        except DjangoValidationError as error:  # a day out of range (issue 20 item 9)
            raise ValidationError({"received_at": error.messages}) from error
        return Response(DueDateSerializer(result).data)


class AssistantApi(APIView):
    """Virtual assistant: an everyday question (`q`) -> the matching procedures with what to bring, where, how long
    and how much, or `known: false` and the catalogue search to try. Public; rate-limited per client address
    with the page /tro-ly/ (ASSISTANT_LIMIT_PER_MINUTE)."""

    permission_classes = [AllowAny]
    authentication_classes = []  # reads no session or token: a public look-up
    api_audiences = ALL_AUDIENCES

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True,
                                     description="e.g. “đổi bằng lái xe hết hạn”, “lam giay khai sinh cho con”")],
        responses={200: AssistantAnswerSerializer, 400: None, 429: None},
    )
    def get(self, request):
        query = AssistantQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if not assistant_allowed(request):
            return Response({"detail": _("Quá nhiều câu hỏi, vui lòng thử lại sau ít phút.")},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        question = query.validated_data["q"]
        answer = selectors.assistant_answer(question=question)
        return Response(AssistantAnswerSerializer({
            "question": question, "known": answer.known,
            "synonyms": [list(pair) for pair in answer.understanding.synonyms],
            "corrected": [list(pair) for pair in answer.understanding.corrected],
            "suggestions": [match.suggestion for match in answer.matches],
            "catalogue_url": f"{reverse('procedure_list')}?{urlencode({'q': question})}",
        }).data)
