"""Forms of the statistics pages (input validation only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit, Agency, Level, Scheme
from reports import plan
from reports.counter import TICKET_METRICS, TICKET_RATES
from reports.months import parse_month
from reports.selectors import GROUPS, METRICS, RATE_LABELS


class MonthField(forms.CharField):
    default_error_messages = {"invalid": _("Tháng phải có dạng YYYY-MM, ví dụ 2025-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_month(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MonthForm(forms.Form):
    month = MonthField(label=_("Tháng"), required=False, help_text=_("Dạng YYYY-MM."))
    sort = forms.CharField(required=False)


class DrilldownForm(forms.Form):
    month = MonthField(label=_("Tháng"))
    metric = forms.ChoiceField(label=_("Chỉ số"), choices=list(METRICS.items()))
    group = forms.ChoiceField(label=_("Nhóm"), choices=[(g, g) for g in GROUPS], required=False)
    agency = forms.IntegerField(required=False, min_value=1)
    key = forms.CharField(required=False, max_length=40)
    # The rate the list is a part of (its numerator and denominator are offered side by side).
    rate = forms.ChoiceField(choices=list(RATE_LABELS.items()), required=False)
    # Off: the list as the figures were computed (matches the tile); on: as of now.
    live = forms.BooleanField(required=False)


class TicketDrilldownForm(forms.Form):
    """The queue tickets behind one counter figure of the monthly table (issue 19)."""

    month = MonthField(label=_("Tháng"))
    metric = forms.ChoiceField(label=_("Chỉ số"), choices=[(k, label) for k, (label, _q) in TICKET_METRICS.items()])
    group = forms.ChoiceField(label=_("Nhóm"), choices=[(g, g) for g in GROUPS], required=False)
    agency = forms.IntegerField(required=False, min_value=1)
    key = forms.CharField(required=False, max_length=40)
    rate = forms.ChoiceField(choices=[(r, r) for r in TICKET_RATES], required=False)
    live = forms.BooleanField(required=False)


class ExportForm(forms.Form):
    month = MonthField(label=_("Tháng"))
    table = forms.ChoiceField(choices=[(g, g) for g in GROUPS] + [("dossiers", "dossiers")])
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("csv-excel", _("CSV cho Excel tiếng Việt")), ("xlsx", "XLSX")])
    metric = forms.ChoiceField(choices=list(METRICS.items()), required=False)
    group = forms.ChoiceField(choices=[(g, g) for g in GROUPS], required=False)
    agency = forms.IntegerField(required=False, min_value=1)
    key = forms.CharField(required=False, max_length=40)
    rate = forms.ChoiceField(choices=list(RATE_LABELS.items()), required=False)
    live = forms.BooleanField(required=False)


class AreaTrendForm(forms.Form):
    """The former district whose area the dashboard follows across 1/7/2025."""

    area = forms.ModelChoiceField(
        label=_("Địa bàn huyện cũ"), required=False, empty_label=_("— Chọn huyện cũ —"),
        queryset=AdministrativeUnit.objects.filter(scheme=Scheme.THREE_TIER, level=Level.DISTRICT).order_by("name"),
        error_messages={"invalid_choice": _("Không có huyện cũ này.")},
    )


class RecomputeForm(forms.Form):
    start = MonthField(label=_("Từ tháng"), help_text=_("Dạng YYYY-MM."))
    end = MonthField(label=_("Đến tháng"), help_text=_("Dạng YYYY-MM."))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Tháng cuối phải không trước tháng đầu."))
        return data


class PublishForm(forms.Form):
    month = MonthField(label=_("Tháng"))
    published = forms.BooleanField(required=False)


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    level = forms.ChoiceField(label=_("Cấp"), required=False,
                              choices=[("", _("Toàn quốc (chỉ tiêu chung)"))] + list(Level.choices))
    scheme = forms.ChoiceField(label=_("Áp dụng cho cơ cấu"), required=False,
                               choices=[("", _("Mọi tháng"))] + list(Scheme.choices))
    agency = forms.ModelChoiceField(label=_("Cơ quan (chỉ tiêu riêng)"), required=False,
                                    queryset=Agency.objects.filter(is_active=True).order_by("name"))
    rate = forms.DecimalField(label=_("Chỉ tiêu tỷ lệ trực tuyến (%)"), min_value=0, max_value=100,
                              max_digits=5, decimal_places=2)

    def clean(self):
        data = super().clean()
        if data.get("level") == Level.DISTRICT and data.get("scheme") == Scheme.TWO_TIER:
            self.add_error("scheme", _("Cơ cấu hai cấp (từ 01/7/2025) không có cấp huyện."))
        return data


class PlanForm(forms.Form):
    """The one-stop plan panel: a year and, optionally, one agency (else the whole scope)."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2021, max_value=2099,
                              error_messages={"min_value": _("Kế hoạch bắt đầu từ năm 2021."),
                                              "max_value": _("Năm không hợp lệ."),
                                              "invalid": _("Năm phải là một số, ví dụ 2025.")})
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"), required=False, empty_label=_("— Toàn bộ phạm vi —"),
        queryset=Agency.objects.order_by("level", "name"),
        error_messages={"invalid_choice": _("Không có cơ quan này.")},
    )


class PlanTargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Chỉ tiêu"), choices=())
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2099)
    level = forms.ChoiceField(label=_("Cấp"), required=False,
                              choices=[("", _("Mọi cấp"))] + list(Level.choices))
    value = forms.DecimalField(label=_("Giá trị (%, hồ sơ/năm hoặc phút)"), min_value=0, max_digits=8,
                               decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, i.name) for i in plan.INDICATORS]

    def clean(self):
        data = super().clean()
        if data.get("indicator") and data.get("value") is not None:
            problem = plan.target_value_valid(plan.BY_CODE[data["indicator"]], data["value"])
            if problem:
                self.add_error("value", problem)
        return data


class PublicFilterForm(forms.Form):
    """The public page's finder: a month, a name typed with or without accents, a kind of unit."""

    KINDS = [("", _("Tất cả")), ("province", _("Sở, ban, ngành cấp tỉnh")), ("district", _("Cấp huyện (đến 30/6/2025)")),
             ("commune", _("Xã, phường"))]
    month = MonthField(label=_("Tháng"), required=False)
    q = forms.CharField(label=_("Tìm cơ quan, xã, phường"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại đơn vị"), required=False, choices=KINDS)
