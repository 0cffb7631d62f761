"""API shapes of the citizen side: small input serializers and read-only output serializers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dossiers.models import Document, Dossier, DossierEvent, Payment, Rating, ResultDelivery
from dossiers.templatetags.citizen import plain_words
from procedures.models import OnlineMode


# --- input ---------------------------------------------------------------------------------------------
class DossierCreateInput(serializers.Serializer):
    procedure = serializers.CharField(max_length=30, help_text=_("Mã thủ tục, ví dụ 1.000894"))
    agency = serializers.CharField(max_length=40, help_text=_("Mã định danh cơ quan tiếp nhận"))
    receiving_agency = serializers.CharField(
        max_length=40, required=False,
        help_text=_("Mã định danh Bộ phận Một cửa nơi nộp, nếu khác cơ quan giải quyết (chỉ thủ tục tiếp nhận "
                    "không phụ thuộc địa giới hành chính)"))
    result_delivery = serializers.ChoiceField(choices=ResultDelivery.choices, required=False,
                                              help_text=_("Nơi nhận kết quả (mặc định: trực tuyến)"))
    result_address = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                           help_text=_("Địa chỉ nhận kết quả qua bưu chính"))
    form_data = serializers.DictField(required=False, default=dict)


class FormDataInput(serializers.Serializer):
    form_data = serializers.DictField(help_text=_("Các trường tờ khai cần lưu (trường không gửi giữ nguyên)"))


class DocumentInput(serializers.Serializer):
    file = serializers.FileField(required=False, help_text=_("Tệp PDF, JPEG, PNG (hoặc DOCX nếu thủ tục cho phép)"))
    required_document = serializers.IntegerField(required=False, allow_null=True,
                                                 help_text=_("Mã thành phần hồ sơ của thủ tục"))
    reuse_document = serializers.IntegerField(required=False, allow_null=True,
                                              help_text=_("Dùng lại giấy tờ trong kho dữ liệu (mã giấy tờ)"))

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("reuse_document")):
            raise serializers.ValidationError(_("Gửi một tệp hoặc chọn một giấy tờ để dùng lại."))
        return attrs


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text=_("Phiên bản hồ sơ đã xem; hồ sơ đã thay đổi thì trả 409"))


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RatingInput(serializers.Serializer):
    value = serializers.ChoiceField(choices=Rating.Value.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- output --------------------------------------------------------------------------------------------
class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "name", "original_name", "content_type", "size", "sha256", "source", "required_document",
                  "reused_from", "is_supplement", "created_at", "download_url"]

    def get_download_url(self, document) -> str:
        """The API route (token or session); the pages link to `document_download`."""
        return reverse("api_document_file", args=[document.pk])


class EventSerializer(serializers.ModelSerializer):
    """Set `comment_shown` first (`access.timeline_for`): a comment not addressed to the reader is ""."""

    text = serializers.SerializerMethodField()
    comment = serializers.CharField(source="comment_shown", read_only=True)

    class Meta:
        model = DossierEvent
        fields = ["action", "text", "from_status", "to_status", "comment", "created_at"]

    def get_text(self, event) -> str:
        return plain_words(event)


class ClockPausedField(serializers.BooleanField):
    """True while the legal clock is stopped (waiting for the applicant); `clock_paused_at` says since when."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return value.clock_paused_at is not None


class DossierSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    procedure = serializers.CharField(source="procedure.code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    agency = serializers.CharField(source="receiving_agency.code", read_only=True)
    # The agency that decides it, when the dossier was submitted at another centre (Decree 118/2025/NĐ-CP).
    deciding_agency = serializers.CharField(source="deciding_agency.code", read_only=True, allow_null=True,
                                            default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    # Declared so the schema admits "" (paper dossiers have no online level); found by API fuzzing.
    online_mode = serializers.ChoiceField(choices=OnlineMode.choices, allow_blank=True, read_only=True)
    clock_paused = ClockPausedField()

    class Meta:
        model = Dossier
        fields = ["id", "code", "submission_code", "procedure", "procedure_name", "agency", "deciding_agency",
                  "result_delivery", "status", "status_label", "channel",
                  "online_mode", "created_at", "submitted_at", "received_at", "due_date", "is_overdue",
                  "clock_paused", "clock_paused_at", "returned_at", "fee_amount", "fee_paid_at", "fee_paid_online",
                  "version"]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    """Set `form_data_shown`, `documents_shown` and `events_shown` on the dossier first
    (`citizen_selectors.form_data_for`: ID numbers masked for readers who do not need them;
    `access.documents_for` and `access.timeline_for`: results before release and internal comments
    left out for the applicant)."""

    form_data = serializers.DictField(source="form_data_shown", read_only=True)
    documents = DocumentSerializer(source="documents_shown", many=True, read_only=True)
    events = EventSerializer(source="events_shown", many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "form_data", "applicant_name", "applicant_phone",
                  "applicant_email", "registry_prefill", "documents", "events"]
        read_only_fields = fields


class PaymentStartSerializer(serializers.ModelSerializer):
    redirect_url = serializers.CharField(read_only=True)

    class Meta:
        model = Payment
        fields = ["order_id", "amount", "state", "redirect_url"]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["value", "comment", "created_at"]
        read_only_fields = fields
