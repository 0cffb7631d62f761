"""Forms of the counter pages (issue 19): the kiosk, the officer's ticket actions, the measures period."""

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
