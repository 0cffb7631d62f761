"""API representations of the catalogue (read only) and the due-date calculator's input."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.dates import BoundedDateTimeField
from procedures.calendar import MAX_DAYS
from procedures.forms import QUESTION_MAX_LENGTH
from procedures.models import AdministrativeUnit, Agency, FeeLine, Field, Procedure, RequiredDocument


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name", "name_en"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "scheme", "level", "code", "name", "division_type", "parent", "valid_from", "valid_until"]


class AgencySerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "name_en", "short_name", "kind", "level", "area", "area_name", "district",
                  "district_name", "desk_address", "phone", "email"]


class ProcedureListSerializer(serializers.ModelSerializer):
    field = FieldSerializer(read_only=True)

    class Meta:
        model = Procedure
        fields = ["code", "name", "name_en", "field", "level", "online_mode", "processing_days",
                  "online_processing_days", "online_only", "current_version"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeLine
        fields = list(FeeLine.FORMULA_FIELDS)


class RequiredDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = ["id", "name", "required", "copies", "kinds", "template_name", "reusable", "multiple_files",
                  "registry_proof"]


class ProcedureDetailSerializer(ProcedureListSerializer):
    fees = FeeSerializer(many=True, read_only=True)
    documents = RequiredDocumentSerializer(many=True, read_only=True)
    agencies_url = serializers.SerializerMethodField(
        help_text=_("Danh sách cơ quan giải quyết (có thể rất dài với thủ tục cấp xã).")
    )
    assurance_level = serializers.IntegerField(
        source="assurance_level_needed", read_only=True,
        help_text=_("Mức độ tài khoản định danh điện tử cần có để nộp trực tuyến (1 hoặc 2)."))

    class Meta(ProcedureListSerializer.Meta):
        fields = [*ProcedureListSerializer.Meta.fields, "steps", "description", "result_type", "legal_basis",
                  "form_schema", "online_only_weekdays", "tags", "assurance_level", "fees", "documents",
                  "agencies_url"]

    def get_agencies_url(self, procedure) -> str:
        return f"/api/v1/agencies/?procedure={procedure.code}"


class DueDateQuerySerializer(serializers.Serializer):
    received_at = BoundedDateTimeField(
        help_text=_("Thời điểm tiếp nhận, ISO 8601 (giờ Việt Nam nếu không ghi múi giờ)"),
        error_messages={"invalid": _("Thời điểm không hợp lệ, dùng định dạng ISO 8601, ví dụ 2026-02-13T10:00.")},
    )
    days = serializers.IntegerField(
        min_value=0, max_value=MAX_DAYS, help_text=_("Số ngày làm việc"),
        error_messages={"invalid": _("Số ngày phải là số nguyên."),
                        "min_value": _("Số ngày không được âm."),
                        "max_value": _("Số ngày không được lớn hơn %(limit)s.") % {"limit": MAX_DAYS}},
    )
    procedure = serializers.CharField(
        required=False, max_length=60,
        help_text=_("Mã thủ tục (không bắt buộc): áp dụng giờ chốt tiếp nhận của thủ tục nếu có"))


class ExplanationStepSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    code = serializers.CharField()
    text = serializers.CharField()
    text_en = serializers.CharField()


class DueDateSerializer(serializers.Serializer):
    due_date = serializers.DateField()
    due_at = serializers.DateTimeField(help_text=_("Hẹn trả kết quả: ngày và giờ (Mẫu 01, Thông tư 03/2025/TT-VPCP)"))
    due_time = serializers.TimeField(format="%H:%M", help_text=_("Giờ hẹn trả kết quả (giờ Việt Nam)"))
    start_date = serializers.DateField()
    explanation = ExplanationStepSerializer(many=True)


# --- virtual assistant (/api/v1/assistant/) ------------------------------------------------------------
class AssistantQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=QUESTION_MAX_LENGTH, help_text=_("Câu hỏi bằng lời thường ngày, có dấu hoặc không dấu"),
        error_messages={"required": _("Hãy nhập câu hỏi (tham số q)."), "blank": _("Hãy nhập câu hỏi (tham số q)."),
                        "max_length": _("Câu hỏi dài quá: tối đa %(limit)s ký tự.") % {"limit": QUESTION_MAX_LENGTH}},
    )


class AssistantDocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    required = serializers.BooleanField()
    copies = serializers.IntegerField()


class AssistantFeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField(help_text=_("đồng, khi nộp trực tiếp"))
    calculation = serializers.CharField()


class AssistantSuggestionSerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code")
    name = serializers.CharField(source="procedure.name")
    field = serializers.CharField(source="procedure.field.name")
    level = serializers.CharField(source="procedure.level")
    online_mode = serializers.CharField(source="procedure.online_mode")
    processing_days = serializers.IntegerField(source="procedure.processing_days")
    online_processing_days = serializers.IntegerField(source="procedure.online_processing_days", allow_null=True)
    documents = AssistantDocumentSerializer(many=True)
    agencies = serializers.SerializerMethodField(help_text=_("Một vài nơi nhận hồ sơ; đủ danh sách ở trang thủ tục"))
    agency_count = serializers.IntegerField()
    fees = AssistantFeeSerializer(many=True)
    fee_total = serializers.IntegerField()
    waived_online = serializers.BooleanField()
    online_open = serializers.BooleanField()
    url = serializers.SerializerMethodField()
    start_url = serializers.SerializerMethodField(help_text=_("Trang bắt đầu nộp hồ sơ trực tuyến, nếu có"))

    def get_agencies(self, suggestion) -> list[str]:
        return [agency.name for agency in suggestion.agencies]

    def get_url(self, suggestion) -> str:
        return reverse("procedure_detail", args=[suggestion.procedure.code])

    def get_start_url(self, suggestion) -> str | None:
        return f"/ho-so/nop/{suggestion.procedure.code}/" if suggestion.online_open else None


class AssistantAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    known = serializers.BooleanField(help_text=_("false: không tìm thấy thủ tục phù hợp; xem catalogue_url"))
    synonyms = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                     help_text=_("[cụm từ đã hiểu, nghĩa trong danh mục]"))
    corrected = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                      help_text=_("[từ gõ, đọc là]"))
    suggestions = AssistantSuggestionSerializer(many=True)
    catalogue_url = serializers.CharField()
