"""Forms of the one-stop desk: one small input form per officer action, shared by pages and API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers import cccd_qr
from dossiers.models import Channel, ResultDelivery, User
from portal.dates import BoundedDateField
from portal.text import CleanCharField
from portal.widgets import LongSelect
from procedures.models import Agency
from procedures.selectors import receiving_centres


class CodeOrIdChoiceField(forms.ModelChoiceField):
    """A choice named by its code (`code_fields`, tried in order) or, as before, by its numeric id:
    API clients know agencies, procedures and officers by code (issue 17 item 4); the pages send ids."""

    def __init__(self, *args, code_fields=("code",), **kwargs):
        self.code_fields = code_fields
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(getattr(value, "pk", value)).strip()
        if "\x00" in text or len(text) > 100:  # PostgreSQL refuses NUL in a literal (found by API fuzzing)
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        for code_field in self.code_fields:
            found = self.queryset.filter(**{code_field: text}).first()
            if found is not None:
                return found
        if text.isdigit():
            return super().to_python(text)
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class VersionForm(forms.Form):
    """Every action carries the dossier version the page showed (optimistic concurrency)."""

    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, dossier=None, **kwargs):
        self.dossier = dossier
        super().__init__(*args, **kwargs)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OptionalNoteForm(VersionForm):
    reason = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)


class SupplementRequestForm(VersionForm):
    missing = forms.CharField(
        label=_("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    reason = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def clean_missing(self):
        lines = [line.strip() for line in self.cleaned_data["missing"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Vui lòng liệt kê giấy tờ cần bổ sung."))
        return lines


class AssignForm(VersionForm):
    assignee = CodeOrIdChoiceField(label=_("Chuyên viên xử lý"), queryset=User.objects.none(),
                                   code_fields=("staff_code", "email"))

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        if dossier is not None:
            from dossiers.selectors import agency_specialists

            self.fields["assignee"].queryset = agency_specialists(agency=dossier.handling_agency)


class TransferForm(VersionForm):
    to_agency = CodeOrIdChoiceField(label=_("Cơ quan nhận liên thông"),
                                       queryset=Agency.objects.filter(is_active=True), widget=LongSelect)
    reason = forms.CharField(label=_("Nội dung liên thông"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        if dossier is not None:
            self.fields["to_agency"].queryset = Agency.objects.filter(is_active=True).exclude(
                pk=dossier.handling_agency_id).order_by("name").only("id", "name")


class PaymentRequestForm(VersionForm):
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**12)


class LateLetterForm(VersionForm):
    new_due_date = BoundedDateField(label=_("Ngày hẹn trả mới"),
                                    widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    reason = forms.CharField(label=_("Lý do trễ hạn"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ResultUploadForm(VersionForm):
    file = forms.FileField(label=_("Tệp kết quả (PDF, JPG, PNG)"))
    name = forms.CharField(label=_("Tên kết quả"), required=False, max_length=300)


# action slug -> input form (the service that runs it is in services.desk.DESK_ACTIONS)
ACTION_FORMS = {
    "receive": VersionForm,
    "refuse": ReasonForm,
    "request_supplement": SupplementRequestForm,
    "complete_supplement": VersionForm,
    "assign": AssignForm,
    "transfer": TransferForm,
    "request_payment": PaymentRequestForm,
    "record_payment": VersionForm,
    "collect_fee": VersionForm,
    "submit_for_approval": OptionalNoteForm,
    "approve": OptionalNoteForm,
    "send_back": ReasonForm,
    "upload_result": ResultUploadForm,
    "late_letter": LateLetterForm,
    "return_result": VersionForm,
    "stop": ReasonForm,
}


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo mã hồ sơ, họ tên, số định danh, điện thoại"), required=False,
                        max_length=100)
    procedure = forms.IntegerField(label=_("Thủ tục"), required=False, widget=forms.Select)
    field = forms.IntegerField(label=_("Lĩnh vực"), required=False, widget=forms.Select)
    channel = forms.ChoiceField(label=_("Kênh nộp"), required=False, choices=[("", _("Tất cả"))] + Channel.choices)
    date_from = BoundedDateField(label=_("Nộp từ ngày"), required=False,
                                 widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    date_to = BoundedDateField(label=_("Đến ngày"), required=False,
                               widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    applicant = forms.CharField(label=_("Người nộp"), required=False, max_length=100)

    def __init__(self, *args, procedures=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].widget.choices = [("", _("Tất cả"))] + [(p.pk, str(p)) for p in procedures]
        self.fields["field"].widget.choices = [("", _("Tất cả"))] + [(f.pk, f.name) for f in fields]


class TrackingBookForm(forms.Form):
    """Which agency's tracking book (Mẫu 07) and for which days; at most a year per printing."""

    agency = forms.TypedChoiceField(label=_("Bộ phận tiếp nhận"), coerce=int)
    date_from = BoundedDateField(label=_("Nhận từ ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    date_to = BoundedDateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("Ngày cuối phải sau hoặc bằng ngày đầu."))
        elif first and last and (last - first).days > 366:
            self.add_error("date_to", _("Mỗi lần in tối đa một năm."))
        return data


class IntakeStartForm(forms.Form):
    procedure = CodeOrIdChoiceField(label=_("Thủ tục"), queryset=None)
    agency = CodeOrIdChoiceField(label=_("Cơ quan tiếp nhận"), queryset=None)
    channel = forms.ChoiceField(label=_("Hình thức"), choices=[
        ("counter", _("Trực tiếp tại Bộ phận Một cửa")), ("postal", _("Qua dịch vụ bưu chính")),
        ("assisted", _("Nộp trực tuyến thay công dân")),
    ])

    def __init__(self, *args, procedures, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures
        self.fields["agency"].queryset = agencies


class ApplicantForm(forms.Form):
    applicant_name = CleanCharField(label=_("Họ và tên người nộp"), max_length=200)
    applicant_id_number = forms.RegexField(label=_("Số định danh cá nhân"), regex=r"^\d{12}$", required=False,
                                           error_messages={"invalid": _("Số định danh cá nhân gồm 12 chữ số.")})
    applicant_phone = forms.RegexField(label=_("Số điện thoại"), regex=r"^0\d{9,10}$", required=False,
                                       error_messages={"invalid": _("Số điện thoại không hợp lệ.")})
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = CleanCharField(label=_("Địa chỉ"), max_length=300, required=False)


class IntakeDetailsForm(forms.Form):
    """What Mẫu 01 (Circular 03/2025/TT-VPCP, Appendix I) prints besides the applicant: the person who
    brought the dossier on their behalf and the authorisation, the number of sets, where the result is
    collected; and, for a procedure received regardless of administrative boundaries (Decree 118/2025/
    NĐ-CP), the agency that decides it when it is not this centre."""

    proxy_name = CleanCharField(label=_("Người nộp thay (nếu có)"), max_length=200, required=False)
    proxy_id_number = forms.RegexField(label=_("Số định danh người nộp thay"), regex=r"^\d{12}$", required=False,
                                       error_messages={"invalid": _("Số định danh cá nhân gồm 12 chữ số.")})
    proxy_authorisation = CleanCharField(label=_("Văn bản ủy quyền (số, ngày)"), max_length=200, required=False)
    sets = forms.IntegerField(label=_("Số bộ hồ sơ"), min_value=1, max_value=99, initial=1, required=False)
    result_delivery = forms.ChoiceField(label=_("Nơi nhận kết quả"), choices=ResultDelivery.choices,
                                        initial=ResultDelivery.DESK, required=False)
    result_address = CleanCharField(label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=300, required=False,
                                    help_text=_("Để trống: địa chỉ của người nộp."))
    deciding_agency = forms.ModelChoiceField(label=_("Cơ quan giải quyết"), queryset=None, required=False)

    def __init__(self, *args, procedure, agency, **kwargs):
        super().__init__(*args, **kwargs)
        if procedure.boundary_free:
            choices = receiving_centres(procedure)
            self.fields["deciding_agency"].queryset = choices
            self.fields["deciding_agency"].help_text = _(
                "Thủ tục tiếp nhận không phụ thuộc địa giới hành chính: chọn cơ quan có thẩm quyền giải quyết.")
            if choices.filter(pk=agency.pk).exists():
                self.fields["deciding_agency"].initial = agency.pk
            else:
                self.fields["deciding_agency"].required = True
        else:
            del self.fields["deciding_agency"]

    def clean(self):
        data = super().clean()
        if (data.get("proxy_id_number") or data.get("proxy_authorisation")) and not data.get("proxy_name"):
            self.add_error("proxy_name", _("Ghi họ tên người nộp thay."))
        data["sets"] = data.get("sets") or 1
        data["result_delivery"] = data.get("result_delivery") or ResultDelivery.DESK
        if "deciding_agency" not in self.fields:
            data.pop("deciding_agency", None)
        return data


class IdCardQrForm(forms.Form):
    """The chip ID card's QR string, typed by a keyboard-wedge scanner (which ends with Enter, and so
    submits this form on its own); `card` is the parsed data (dossiers/cccd_qr.py)."""

    id_card_qr = forms.CharField(label=_("Mã QR trên thẻ căn cước (quét bằng máy đọc)"), max_length=1000,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def clean_id_card_qr(self):
        try:
            self.card = cccd_qr.parse(self.cleaned_data["id_card_qr"])
        except cccd_qr.InvalidCardCode as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None
        return self.cleaned_data["id_card_qr"]


class RegistryLookupForm(forms.Form):
    """The applicant's personal ID number, to fill the intake from the population registry."""

    registry_id_number = forms.RegexField(
        label=_("Số định danh cá nhân của người nộp (tra cứu CSDL quốc gia về dân cư)"), regex=r"^\d{12}$",
        max_length=12, error_messages={"invalid": _("Số định danh cá nhân gồm 12 chữ số."),
                                       "required": _("Nhập số định danh cá nhân để tra cứu.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{12}"}))


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("receive", _("Tiếp nhận")), ("assign", _("Phân công"))])
    codes = forms.MultipleChoiceField(choices=(), error_messages={"required": _("Chọn ít nhất một hồ sơ.")})
    assignee = forms.ModelChoiceField(label=_("Chuyên viên"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, specialists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = specialists
        # Codes are checked against what the officer may see by the service's selector, not here.
        self.fields["codes"].choices = [(c, c) for c in (self.data.getlist("codes") if self.data else [])]

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Chọn chuyên viên được phân công."))
        return data


def json_ready(cleaned):
    """A procedure form's cleaned data as JSON values (dates as ISO strings), as stored in `form_data`."""
    out = {}
    for key, value in cleaned.items():
        out[key] = value.isoformat() if hasattr(value, "isoformat") else (
            str(value) if value is not None and not isinstance(value, (str, int, bool)) else value)
    return out
