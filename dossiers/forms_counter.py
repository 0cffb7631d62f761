"""Forms of the counter pages (issue 19): the kiosk, the officer's ticket actions, the measures period."""

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.counter import DeskRating
from portal.dates import BoundedDateField


class KioskForm(forms.Form):
    """One tap: a service, and the one-time key the page was rendered with (a resubmit issues nothing new)."""

    field = forms.ModelChoiceField(label=_("Dịch vụ"), queryset=None, widget=forms.RadioSelect,
                                   error_messages={"required": _("Hãy chọn một dịch vụ."),
                                                   "invalid_choice": _("Dịch vụ này không có tại trung tâm.")})
    key = forms.UUIDField(widget=forms.HiddenInput,
                          error_messages={"required": _("Trang đã cũ, hãy thử lại."),
                                          "invalid": _("Trang đã cũ, hãy thử lại.")})

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = fields


class TicketActionForm(forms.Form):
    ticket = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                error_messages={"required": _("Chưa chọn số thứ tự.")})
    target = forms.ModelChoiceField(label=_("Chuyển sang quầy"), queryset=None, required=False)

    def __init__(self, *args, counters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = counters


class MeasuresForm(forms.Form):
    start = BoundedDateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(format="%d/%m/%Y"),
                             help_text=_("Định dạng ngày/tháng/năm."))
    end = BoundedDateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(format="%d/%m/%Y"),
                           help_text=_("Định dạng ngày/tháng/năm."))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"].replace(day=1)
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        if (data["end"] - data["start"]).days > 366:
            raise forms.ValidationError(_("Chọn khoảng thời gian không quá một năm."))
        return data


class DeskRatingForm(forms.Form):
    ticket = forms.UUIDField(widget=forms.HiddenInput)
    value = forms.ChoiceField(label=_("Mức độ hài lòng"), choices=DeskRating.Value.choices, widget=forms.RadioSelect,
                              error_messages={"required": _("Hãy chọn mức độ hài lòng.")})
    reasons = forms.MultipleChoiceField(label=_("Lý do (không bắt buộc)"), choices=DeskRating.Reason.choices,
                                        required=False, widget=forms.CheckboxSelectMultiple)


# --- appointments (issue 19 item 1) ---------------------------------------------------------------------
def _day_label(day):
    return f"{_WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


_WEEKDAYS = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))


class SlotDayForm(forms.Form):
    """Step one of booking (a GET form): the centre and the day."""

    agency = forms.ModelChoiceField(label=_("Nơi đến làm thủ tục"), queryset=None, to_field_name="code",
                                    empty_label=None, error_messages={
                                        "required": _("Hãy chọn nơi đến."),
                                        "invalid_choice": _("Nơi này không nhận lịch hẹn cho thủ tục này.")})
    day = forms.TypedChoiceField(label=_("Ngày"), coerce=date.fromisoformat, error_messages={
        "required": _("Hãy chọn ngày."), "invalid_choice": _("Ngày này không nhận lịch hẹn; hãy chọn ngày khác.")})

    def __init__(self, *args, centres, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = centres
        self.fields["day"].choices = [(day.isoformat(), _day_label(day)) for day in days]


class SlotTimeForm(forms.Form):
    """Step two (POST): one of the day's times with a place left."""

    time = forms.TypedChoiceField(label=_("Giờ hẹn"), widget=forms.RadioSelect, coerce=datetime.fromisoformat,
                                  error_messages={"required": _("Hãy chọn giờ hẹn."),
                                                  "invalid_choice": _("Giờ này đã hết chỗ hoặc không còn nhận hẹn.")})

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time"].choices = [(start.isoformat(), f"{timezone.localtime(start):%H:%M}")
                                       for start, left in slots if left > 0]


class CheckInForm(forms.Form):
    """The kiosk's check-in: the appointment code, typed or read by the scanner from the QR code."""

    code = forms.CharField(label=_("Mã lịch hẹn"), max_length=300, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}), error_messages={
        "required": _("Hãy quét mã QR hoặc nhập mã lịch hẹn.")})
    key = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": _("Trang đã cũ, hãy thử lại."),
                                                                    "invalid": _("Trang đã cũ, hãy thử lại.")})
