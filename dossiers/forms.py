"""Account forms."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dossiers.auth import normalize_phone
from dossiers.services.identity import password_login_allowed
from portal.text import clean_text


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("Thông tin đăng nhập không đúng. Vui lòng kiểm tra lại thư điện tử/số điện thoại và mật khẩu."),
        "inactive": _("Tài khoản này đã bị khóa."),
        "identity_only": _("Công dân đăng nhập bằng tài khoản định danh điện tử VNeID: chọn “Đăng nhập bằng VNeID”."),
    }

    def confirm_login_allowed(self, user):
        """Password sign-in only for the roles PASSWORD_LOGIN_ROLES names (dossiers.services.identity)."""
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise forms.ValidationError(self.error_messages["identity_only"], code="identity_only")


class PhoneResetForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại đã đăng ký"), max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if not (len(phone) == 10 and phone.startswith("0")):
            raise forms.ValidationError(_("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."))
        return phone


class PhoneResetConfirmForm(forms.Form):
    code = forms.CharField(label=_("Mã xác nhận (6 chữ số)"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    password1 = forms.CharField(label=_("Mật khẩu mới"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Ít nhất 8 ký tự, không toàn chữ số, không quá phổ biến."))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegistrationCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã xác nhận (6 chữ số)"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class RegistrationForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 8 ký tự, không toàn chữ số, không quá phổ biến."),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    class Meta:
        model = get_user_model()
        fields = ["full_name", "email", "phone", "id_number", "address"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "id_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            # "street-address" is for multi-line controls only; the address is typed on one line.
            "address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True

    # Names and addresses are shown on desk pages and printed receipts: no invisible controls.
    def clean_full_name(self):
        value = clean_text(self.cleaned_data["full_name"])
        return value.strip() if value else value

    def clean_address(self):
        value = clean_text(self.cleaned_data["address"])
        return value.strip() if value else value

    def clean_email(self):
        # Whether the address is taken is not said here (issue 20 item 12): see services/registration.py.
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean_phone(self):
        raw = self.cleaned_data.get("phone")
        if not raw:
            return None
        phone = normalize_phone(raw)
        if not (len(phone) == 10 and phone.startswith("0")):
            raise forms.ValidationError(_("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."))
        return phone

    def validate_unique(self):
        """No "already registered" errors: they would tell anyone which contacts have accounts."""

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip()
        if value and not (value.isdigit() and len(value) == 12):
            raise forms.ValidationError(_("Số định danh cá nhân gồm 12 chữ số."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors.get("email") and not self.errors.get("phone"):
            raise forms.ValidationError(_("Cần nhập thư điện tử hoặc số điện thoại."))
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            user = self.instance
            user.full_name, user.email = cleaned.get("full_name", ""), cleaned.get("email")
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
