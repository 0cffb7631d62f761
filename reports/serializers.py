"""Input validation and documented output shapes of the reports API (no business rules here)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.months import parse_month
from reports.selectors import GROUPS


class MonthField(serializers.CharField):
    """'YYYY-MM' → the month's first day."""

    default_error_messages = {"invalid": _("Tháng phải có dạng YYYY-MM, ví dụ 2025-03.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return parse_month(value)
        except ValueError:
            self.fail("invalid")


class MonthlyQuerySerializer(serializers.Serializer):
    month = MonthField(help_text=_("Tháng, dạng YYYY-MM."))
    group = serializers.ChoiceField(
        choices=GROUPS, default="agency",
        error_messages={"invalid_choice": _("Nhóm phải là một trong: agency, district, commune, area, level, province.")},
    )
    figures = serializers.ChoiceField(
        choices=("public", "exact"), required=False, default="",
        error_messages={"invalid_choice": _("Số liệu phải là public hoặc exact.")},
    )


class AreaTrendQuerySerializer(serializers.Serializer):
    district = serializers.CharField(max_length=10, help_text=_("Mã GSO của huyện cũ (cơ cấu ba cấp)."))
    end = MonthField(help_text=_("Tháng cuối, YYYY-MM."))
    months = serializers.IntegerField(min_value=1, max_value=60, default=24,
                                      help_text=_("Số tháng, tính lùi từ tháng cuối (mặc định 24)."))


class AreaTrendMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    scheme = serializers.CharField(help_text=_("2024 = ba cấp (tỉnh - huyện - xã), 2025 = hai cấp (tỉnh - xã)."))
    basis = serializers.CharField(help_text=_("district: số liệu của huyện; communes: tổng các xã, phường mới."))
    computed = serializers.BooleanField(help_text=_("Tháng đã được tính (false: số 0 vì chưa tính)."))
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    online_rate = serializers.FloatField(allow_null=True)
    completed = serializers.IntegerField()
    completed_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    overdue_open = serializers.IntegerField()
    digitization_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class AreaTrendSerializer(serializers.Serializer):
    district = serializers.SerializerMethodField()
    months = AreaTrendMonthSerializer(many=True)
    mapping = serializers.JSONField(help_text=_(
        "communes: xã, phường mới tính vào địa bàn (kèm xã cũ đã nhập, also_from: phần từ huyện khác); "
        "counted_elsewhere: xã mới nhận xã cũ của huyện nhưng tính vào địa bàn khác; split_communes: xã cũ "
        "bị chia, mỗi phần tính một lần."))

    def get_district(self, data) -> dict:
        unit = data["district"]
        return {"id": unit.pk, "code": unit.code, "name": unit.name}


class RecomputeSerializer(serializers.Serializer):
    start = MonthField(help_text=_("Tháng đầu, YYYY-MM."))
    end = MonthField(required=False, help_text=_("Tháng cuối, YYYY-MM (mặc định bằng tháng đầu)."))

    def validate(self, attrs):
        attrs.setdefault("end", attrs["start"])
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("Tháng cuối phải không trước tháng đầu.")})
        if (attrs["end"].year - attrs["start"].year) * 12 + attrs["end"].month - attrs["start"].month >= 120:
            raise serializers.ValidationError({"end": _("Mỗi lần tính lại tối đa 120 tháng.")})
        return attrs


def _rate(help_text):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class MonthlyGroupSerializer(serializers.Serializer):
    """One group's figures. Rates are percentages rounded to one decimal, null when the denominator is 0.

    Every count is nullable: null only in the public figures of a published month, where a small cell is
    suppressed (`reports.opendata.suppress`; monitors and agency leaders get exact counts)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, serializers.IntegerField):
                field.allow_null = True

    key = serializers.JSONField(help_text=_("Mã nhóm: id cơ quan, id huyện (null = cấp tỉnh), cấp, mã tỉnh."))
    name = serializers.CharField()
    code = serializers.CharField(allow_null=True, help_text=_("Mã định danh cơ quan, mã GSO huyện, cấp, mã tỉnh."))
    level = serializers.CharField(required=False, allow_null=True, help_text=_("Cấp của cơ quan (nhóm agency)."))
    received = serializers.IntegerField()
    received_online = serializers.IntegerField(
        help_text=_("Hồ sơ trực tuyến do người dân, doanh nghiệp tự nộp (không gồm hồ sơ cán bộ nộp thay).")
    )
    received_online_partial = serializers.IntegerField()
    received_online_full = serializers.IntegerField()
    received_assisted = serializers.IntegerField(help_text=_("Hồ sơ trực tuyến do cán bộ nộp thay; thống kê riêng."))
    received_online_all = serializers.IntegerField(help_text=_("received_online + received_assisted."))
    received_counter = serializers.IntegerField()
    received_postal = serializers.IntegerField()
    online_rate = _rate(_("received_online / received × 100 (chỉ hồ sơ tự nộp)."))
    online_rate_with_assisted = _rate(_("received_online_all / received × 100 (tham khảo)."))
    completed = serializers.IntegerField(help_text=_("Hồ sơ trả kết quả trong tháng."))
    completed_on_time = serializers.IntegerField(help_text=_("Ngày trả kết quả ≤ ngày hẹn trả."))
    completed_late = serializers.IntegerField()
    on_time_rate = _rate(_("completed_on_time / completed × 100."))
    late_rate = _rate(_("completed_late / completed × 100."))
    overdue_open = serializers.IntegerField(help_text=_(
        "Hồ sơ chưa kết thúc, quá hạn vào cuối tháng; với tháng đang diễn ra: quá hạn tại thời điểm tính."))
    processing_days_sum = serializers.IntegerField()
    avg_processing_days = serializers.FloatField(allow_null=True)
    digitized = serializers.IntegerField()
    digitization_rate = _rate(_("digitized / received × 100."))
    reuse_needed = serializers.IntegerField()
    reused = serializers.IntegerField()
    reuse_rate = _rate(_("reused / reuse_needed × 100."))
    fee_due = serializers.IntegerField()
    fee_paid_online = serializers.IntegerField()
    online_payment_rate = _rate(_("fee_paid_online / fee_due × 100 (hồ sơ tiếp nhận trong tháng)."))
    ratings = serializers.IntegerField()
    ratings_satisfied = serializers.IntegerField()
    satisfaction_rate = _rate(_("ratings_satisfied / ratings × 100 (đánh giá trong tháng)."))
    # The counter (issue 19): queue tickets of the month's days at the centre, receipts by desk officers.
    tickets_issued = serializers.IntegerField()
    tickets_called = serializers.IntegerField()
    tickets_done = serializers.IntegerField()
    wait_seconds_sum = serializers.IntegerField(help_text=_("Tổng (giờ gọi − giờ lấy số) của phiếu đã gọi, giây."))
    tickets_within_target = serializers.IntegerField(help_text=_("Phiếu được gọi trong 15 phút sau khi lấy số."))
    tickets_no_show = serializers.IntegerField()
    avg_wait_minutes = serializers.FloatField(allow_null=True, help_text=_("wait_seconds_sum / tickets_called / 60."))
    wait_within_target_rate = _rate(_("tickets_within_target / tickets_called × 100."))
    no_show_rate = _rate(_("tickets_no_show / tickets_called × 100."))
    received_by_officers = serializers.IntegerField(help_text=_("Hồ sơ do cán bộ Một cửa của cơ quan tiếp nhận."))
    reception_officers = serializers.IntegerField()
    productivity_per_year = serializers.IntegerField(allow_null=True, help_text=_(
        "received_by_officers / reception_officers × 12 (hồ sơ mỗi cán bộ một năm)."))
    target_online_rate = serializers.FloatField()
    target_gap = serializers.FloatField(allow_null=True)


class TaskIdSerializer(serializers.Serializer):
    task_id = serializers.CharField()


class TaskStateSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    state = serializers.CharField()
    done = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class AgencyTrendQuerySerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=40, help_text=_("Mã định danh của cơ quan."))
    end = MonthField(help_text=_("Tháng cuối, YYYY-MM."))
    months = serializers.IntegerField(min_value=1, max_value=60, default=24,
                                      help_text=_("Số tháng, tính lùi từ tháng cuối (mặc định 24)."))


class AgencyTrendMonthSerializer(AreaTrendMonthSerializer):
    basis = None
    agencies = serializers.ListField(child=serializers.CharField(), help_text=_(
        "Cơ quan có số liệu trong tháng: chính cơ quan hoặc cơ quan tiền thân."))


class AgencyTrendSerializer(serializers.Serializer):
    agency = serializers.SerializerMethodField()
    months = AgencyTrendMonthSerializer(many=True)
    predecessors = serializers.JSONField(help_text=_("Cơ quan tiền thân được cộng vào (chỉ chuyển cho cơ quan này)."))
    split_predecessors = serializers.JSONField(help_text=_(
        "Cơ quan tiền thân chia cho nhiều cơ quan kế thừa: không cộng vào, để không tính hai lần."))

    def get_agency(self, data) -> dict:
        agency = data["agency"]
        return {"id": agency.pk, "code": agency.code, "name": agency.name}
