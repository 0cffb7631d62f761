"""Citizen API (/api/v1/dossiers/…): create and fill a draft, attach files, submit, follow, withdraw, rate, pay.

A dossier is addressed by `{ref}`: its `id` (a UUID, the only handle a draft has) or, once submitted,
its code. Only the applicant's own dossiers are reachable for changes (others: 404); reading also
works for officers who can see the dossier. Errors: 400 with translated messages for bad input or an
incomplete dossier, 404 for dossiers you cannot see, 409 for lifecycle conflicts.
Officer actions live in `dossiers/api_desk.py`; every route here is explicit so both fit.
"""

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import access, lifecycle, payments, serializers, services, uploads
from dossiers import citizen_selectors as selectors
from dossiers.models import Document
from portal import ratelimit
from procedures.models import Agency, Procedure

CONFLICTS = (lifecycle.TransitionNotAllowed, lifecycle.DossierChanged, services.AlreadyRated)
ERRORS = {400: OpenApiResponse(description="Dữ liệu không hợp lệ (thông báo đã dịch)"),
          404: OpenApiResponse(description="Không có hồ sơ này, hoặc không phải hồ sơ của bạn"),
          409: OpenApiResponse(description="Trạng thái hồ sơ không cho phép thao tác này")}

REF = OpenApiParameter("ref", OpenApiTypes.STR, OpenApiParameter.PATH,
                       description="`id` của hồ sơ (UUID, dùng được cả cho bản nháp) hoặc mã hồ sơ đã nộp "
                                   "(ví dụ 000.00.42.H01-261122-0001)")


def _error(exc):
    """Map service errors to responses (400 / 409) with the translated message."""
    if isinstance(exc, CONFLICTS):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, services.AssuranceTooLow):  # signed in, but not at the identity level the procedure needs
        return Response({"detail": str(exc.message)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, services.IncompleteDossier):
        return Response({"detail": str(exc.message), "problems": [str(p) for p in exc.problems]},
                        status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)


class CitizenAPIView(APIView):
    permission_classes = [IsAuthenticated]
    # Reading a dossier and its files also serves officers (`desk`); changes stay the applicant's own.
    api_audiences = ("citizen", "desk")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Roles are read several times per request (visible_to, access, allowed actions): load them once,
        # as the desk pages do (dossiers.views.desk.officer_required).
        if request.user.is_authenticated:
            prefetch_related_objects([request.user], "memberships")

    def readable(self, ref):
        try:
            return selectors.dossier_by_reference(user=self.request.user, reference=ref)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc

    def own(self, ref):
        dossier = self.readable(ref)
        if dossier.applicant_id != self.request.user.pk:
            raise Http404
        return dossier

    def detail(self, dossier, code=status.HTTP_200_OK):
        dossier = selectors.dossier_detail(user=self.request.user, public_id=dossier.public_id)
        dossier.form_data_shown = selectors.form_data_for(user=self.request.user, dossier=dossier)
        dossier.documents_shown = access.documents_for(self.request.user, dossier, dossier.documents.all())
        dossier.events_shown = access.timeline_for(self.request.user, dossier, dossier.events.all())
        return Response(serializers.DossierDetailSerializer(dossier).data, status=code)


class DossierListCreate(ListAPIView, CitizenAPIView):
    serializer_class = serializers.DossierSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.my_dossiers(user=self.request.user)

    @extend_schema(summary="Hồ sơ của tôi", responses=serializers.DossierSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Tạo bản nháp hồ sơ", request=serializers.DossierCreateInput,
                   responses={201: serializers.DossierDetailSerializer, **ERRORS})
    def post(self, request):
        data = serializers.DossierCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        procedure = get_object_or_404(Procedure, code=data.validated_data["procedure"])
        agency = get_object_or_404(Agency, code=data.validated_data["agency"])
        receiving = data.validated_data.get("receiving_agency")
        receiving = get_object_or_404(Agency, code=receiving) if receiving else None
        try:
            dossier = services.dossier_start_online(
                procedure=procedure, agency=agency, applicant=request.user, receiving_agency=receiving,
                result_delivery=data.validated_data.get("result_delivery") or None,
                result_address=data.validated_data.get("result_address", ""))
            # As on the pages: a verified applicant's data from the population registry (locked fields).
            registry_problem = services.dossier_prefill_from_registry(dossier=dossier, actor=request.user,
                                                                      ip_address=ratelimit.client_ip(request))
            errors = services.dossier_save_form(dossier=dossier, actor=request.user,
                                                data=data.validated_data["form_data"])
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        if errors:
            response = self.detail(dossier, status.HTTP_400_BAD_REQUEST)
            response.data = {"detail": "form_data", "form_errors": errors, "dossier": response.data}
            return response
        response = self.detail(dossier, status.HTTP_201_CREATED)
        if registry_problem:
            response.data["registry_message"] = str(registry_problem)
        return response


class DossierDetail(CitizenAPIView):
    @extend_schema(parameters=[REF], summary="Chi tiết hồ sơ (kèm lịch sử xử lý)", responses={200: serializers.DossierDetailSerializer,
                                                                            404: ERRORS[404]})
    def get(self, request, ref):
        return self.detail(self.readable(ref))

    @extend_schema(parameters=[REF],
        summary="Lưu dữ liệu tờ khai của bản nháp",
        description="Lưu các trường hợp lệ gửi lên; trường không hợp lệ (quá dài, số ngoài giới hạn, ngày ngoài "
                    "1900–2099) không được lưu, bản nháp giữ giá trị trước đó, và trả 400 kèm `form_errors`. "
                    "Trường không gửi giữ nguyên.",
        request=serializers.FormDataInput, responses={200: serializers.DossierDetailSerializer, **ERRORS},
    )
    def patch(self, request, ref):
        dossier = self.own(ref)
        data = serializers.FormDataInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            errors = services.dossier_save_form(dossier=dossier, actor=request.user,
                                                data=data.validated_data["form_data"])
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        if errors:
            return Response({"detail": "form_data", "form_errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return self.detail(dossier)


class DossierDocuments(CitizenAPIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(parameters=[REF], summary="Đính kèm giấy tờ (tải lên, hoặc dùng lại từ kho dữ liệu)",
                   request={"multipart/form-data": serializers.DocumentInput},
                   responses={201: serializers.DocumentSerializer, **ERRORS})
    def post(self, request, ref):
        dossier = self.own(ref)
        data = serializers.DocumentInput(data=request.data)
        data.is_valid(raise_exception=True)
        requirement = None
        if data.validated_data.get("required_document"):
            requirement = get_object_or_404(dossier.procedure.documents, pk=data.validated_data["required_document"])
        try:
            if data.validated_data.get("reuse_document"):
                source = get_object_or_404(Document, pk=data.validated_data["reuse_document"],
                                           dossier__applicant=request.user)
                document = services.document_reuse(dossier=dossier, actor=request.user, source=source,
                                                   required_document=requirement)
            else:
                document = services.document_upload(dossier=dossier, actor=request.user,
                                                    uploaded=data.validated_data["file"], required_document=requirement)
        except uploads.UploadRefused as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        return Response(serializers.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DossierSubmit(CitizenAPIView):
    @extend_schema(parameters=[REF], summary="Nộp hồ sơ", request=None, responses={200: serializers.DossierDetailSerializer, **ERRORS})
    def post(self, request, ref):
        dossier = self.own(ref)
        try:
            dossier = services.dossier_submit_online(dossier=dossier, actor=request.user)
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        return self.detail(dossier)


class DossierSupplement(CitizenAPIView):
    @extend_schema(parameters=[REF], summary="Gửi hồ sơ bổ sung (sau khi đã tải lên giấy tờ bổ sung)",
                   request=serializers.CommentInput, responses={200: serializers.DossierDetailSerializer, **ERRORS})
    def post(self, request, ref):
        dossier = self.own(ref)
        data = serializers.CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dossier = services.dossier_supplement(dossier=dossier, actor=request.user,
                                                  comment=data.validated_data["comment"])
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        return self.detail(dossier)


class DossierWithdraw(CitizenAPIView):
    @extend_schema(parameters=[REF], summary="Rút hồ sơ", request=serializers.ReasonInput,
                   responses={200: serializers.DossierDetailSerializer, **ERRORS})
    def post(self, request, ref):
        dossier = self.own(ref)
        data = serializers.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dossier = services.dossier_withdraw(dossier=dossier, actor=request.user,
                                                reason=data.validated_data["reason"],
                                                expected_version=data.validated_data["version"])
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        return self.detail(dossier)


class DossierRating(CitizenAPIView):
    @extend_schema(parameters=[REF], summary="Đánh giá mức độ hài lòng (một lần)", request=serializers.RatingInput,
                   responses={201: serializers.RatingSerializer, **ERRORS})
    def post(self, request, ref):
        dossier = self.own(ref)
        data = serializers.RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rating = services.dossier_rate(dossier=dossier, actor=request.user, **data.validated_data)
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        return Response(serializers.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class DossierPayment(CitizenAPIView):
    @extend_schema(parameters=[REF], summary="Bắt đầu nộp phí trực tuyến", description="Trả về `redirect_url`: trang thanh toán.",
                   request=None, responses={201: serializers.PaymentStartSerializer, **ERRORS})
    def post(self, request, ref):
        dossier = self.own(ref)
        try:
            payment, url = services.payment_start(dossier=dossier, actor=request.user,
                                                  return_url=request.build_absolute_uri(reverse("payment_return")))
        except lifecycle.LifecycleError as exc:
            return _error(exc)
        except ImproperlyConfigured:  # the gateway may not run here (issue 20 item 3): not the citizen's fault
            return Response({"detail": str(payments.UNAVAILABLE)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        payment.redirect_url = request.build_absolute_uri(url)
        return Response(serializers.PaymentStartSerializer(payment).data, status=status.HTTP_201_CREATED)


class DocumentFile(CitizenAPIView):
    """The stored file of a document: the applicant's own, or one of a dossier an officer or the monitor
    may read (served to them, it is audited like the page's download). Token or session."""

    @extend_schema(
        summary="Tải tệp giấy tờ / kết quả giải quyết",
        parameters=[OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                     description="`id` của giấy tờ trong `documents` của hồ sơ")],
        responses={(200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="Tệp gốc (Content-Type là loại tệp đã kiểm tra khi tải lên)"),
            404: OpenApiResponse(description="Không có giấy tờ này, hoặc bạn không được xem")},
    )
    def get(self, request, document_id):
        try:
            document = selectors.document_for(user=request.user, document_id=document_id)
        except Document.DoesNotExist as exc:
            raise Http404 from exc
        response = uploads.file_response(document, attachment=True)
        services.document_access_record(document=document, actor=request.user)
        return response
