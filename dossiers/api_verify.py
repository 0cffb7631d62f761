"""Public verification API: GET /api/v1/verifications/<id>/ (the QR code's record) and POST
/api/v1/verifications/ with a PDF `file`. Same checks, limits and audit as the page (dossiers/views/verify.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.views.verify import VerifyUploadForm, allowed, check_and_record

RESULT = inline_serializer("SignatureCheck", {
    "verdict": serializers.ChoiceField(choices=["valid", "tampered", "revoked", "unknown"]),
    "sha256": serializers.CharField(), "expected_sha256": serializers.CharField(),
    "checks": serializers.DictField(), "facts": serializers.DictField(),
})


def limited():
    return Response({"detail": _("Quá nhiều lượt kiểm tra, vui lòng thử lại sau ít phút.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS)


class VerificationDetail(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(summary="Xác thực kết quả đã ký số theo mã xác thực (mã QR)", responses={200: RESULT, 429: None})
    def get(self, request, verification_id):
        if not allowed(request):
            return limited()
        return Response(check_and_record(request, verification_id=verification_id, channel="api").as_dict())


class VerificationUpload(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Xác thực tệp PDF tải lên",
                   request=inline_serializer("SignatureCheckInput", {"file": serializers.FileField()}),
                   responses={200: RESULT, 400: OpenApiResponse(description="Không phải tệp PDF"), 429: None})
    def post(self, request):
        if not allowed(request):
            return limited()
        form = VerifyUploadForm(request.data, request.FILES)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(check_and_record(request, data=form.cleaned_data["file"], channel="api").as_dict())
