"""HTML forms of the catalogue pages."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import BoundedDateField
from procedures.calendar import MAX_DAYS
from procedures.models import AdministrativeUnit


class DueDateForm(forms.Form):
    """Receipt date and time (separate inputs work without JavaScript on every phone) and a period."""

    received_date = BoundedDateField(
        label=_("Ngày tiếp nhận"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."),
                        "required": _("Vui lòng nhập ngày tiếp nhận.")},
    )
    received_time = forms.TimeField(
        label=_("Giờ tiếp nhận"), required=False, initial=time(9, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Không có giờ chốt: tiếp nhận lúc nào trong ngày làm việc cũng tính là tiếp nhận trong ngày đó, trừ thủ tục có quy định riêng."),
        error_messages={"invalid": _("Giờ không hợp lệ, nhập theo dạng hh:mm.")},
    )
    days = forms.IntegerField(
        label=_("Thời hạn giải quyết (ngày làm việc)"), min_value=0, max_value=MAX_DAYS,
        error_messages={"invalid": _("Số ngày phải là số nguyên."), "required": _("Vui lòng nhập số ngày."),
                        "min_value": _("Số ngày không được âm."),
                        "max_value": _("Số ngày không được lớn hơn %(limit_value)s.")},
    )

    def received_at(self):
        """The receipt moment in local time (USE_TZ: aware)."""
        moment = datetime.combine(self.cleaned_data["received_date"], self.cleaned_data["received_time"] or time(9))
        return timezone.make_aware(moment)


class AgencyChooserForm(forms.Form):
    """Find the office to submit to when a procedure is handled by many (every commune)."""

    noi_nop = forms.CharField(label=_("Tên xã, phường, thị trấn hoặc cơ quan"), required=False, max_length=100)
    huyen = forms.ModelChoiceField(
        label=_("Huyện, thị xã, thành phố"), required=False, queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Tất cả"), error_messages={"invalid_choice": _("Không có đơn vị này.")},
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["huyen"].queryset = districts



# The longest question the assistant reads (a few sentences).
QUESTION_MAX_LENGTH = 300


class AssistantForm(forms.Form):
    """A question to the virtual assistant (/tro-ly/), in everyday words."""

    q = forms.CharField(
        label=_("Bạn cần làm thủ tục gì?"), required=False, max_length=QUESTION_MAX_LENGTH, strip=True,
        help_text=_("Viết như khi hỏi cán bộ một cửa, có dấu hay không dấu đều được. "
                    "Ví dụ: “tôi muốn làm giấy khai sinh cho con”, “đổi bằng lái xe hết hạn”."),
        error_messages={"max_length": _("Câu hỏi dài quá: tối đa %(limit_value)d ký tự, hãy hỏi ngắn hơn.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search", "spellcheck": "false"}),
    )
