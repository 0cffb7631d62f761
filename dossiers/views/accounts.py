"""Registration, login, logout and password reset."""

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dossiers import services
from dossiers.auth import lockout_identity
from dossiers.forms import (
    LoginForm,
    PhoneResetConfirmForm,
    PhoneResetForm,
    RegistrationCodeForm,
    RegistrationForm,
)
from portal import ratelimit


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST" and not ratelimit.hit(
        f"register:{ratelimit.client_ip(request)}", limit=settings.REGISTER_RATE_LIMIT_PER_HOUR, window_seconds=3600
    ):
        return render(request, "429.html", status=429)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("full_name", "email", "phone", "id_number", "address")}
        services.registration_start(session=request.session, data=data, password=form.cleaned_data["password1"])
        return redirect("register_confirm")
    return render(request, "registration/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_confirm(request):
    """Step 2: the code sent by SMS or e-mail creates the account and signs in."""
    sent_to = services.registration_pending(request.session)
    if sent_to is None:
        messages.info(request, _("Vui lòng điền thông tin đăng ký."))
        return redirect("register")
    form = RegistrationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.registration_confirm(session=request.session, code=form.cleaned_data["code"])
        except services.RegistrationFailed as failure:
            if failure.gone:
                messages.error(request, failure.message)
                return redirect("register")
            form.add_error("code", failure.message)
        else:
            login(request, user, backend="dossiers.auth.EmailOrPhoneBackend")
            messages.success(request, _("Đăng ký tài khoản thành công. Chào mừng bạn đến với Cổng Dịch vụ công."))
            return redirect("home")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "registration/register_confirm.html", {"form": form, "sent_to": sent_to}, status=status)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "identity_login_enabled": settings.OIDC_ENABLED}

    def get_default_redirect_url(self):
        """Without a `next`: the provincial centre lands on its dashboard, officers on their queue,
        citizens on the home page (issue 21 item 11)."""
        user = self.request.user
        if user.is_monitor:
            return reverse("reports:dashboard")
        if user.is_officer:
            return reverse("desk:queue")
        return super().get_default_redirect_url()


class EmailResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(label=gettext_lazy("Thư điện tử đã đăng ký"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the e-mailed link also lifts a login lockout on that account.

    The lockout must not lock the real owner out (issue 20 item 1): besides the cool-off, proving
    control of the account's e-mail unlocks it at once.
    """

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=lockout_identity(form.user.email or form.user.phone))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    # The same confirmation page whether or not an account exists: reveals nothing.
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    form_class = EmailResetForm

    def post(self, request, *args, **kwargs):
        """At most PASSWORD_RESET_RATE_LIMIT_PER_HOUR requests an hour from one address (issue 20 item 12)."""
        if not ratelimit.hit(
            f"password-reset:{ratelimit.client_ip(request)}", limit=settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR,
            window_seconds=3600,
        ):
            return render(request, "429.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """At most PASSWORD_RESET_MAILS_PER_HOUR e-mails to one address; beyond, the same page and no mail.

        The answer is the same whether the mail went, was held back or the account does not exist.
        """
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.hit(
            f"password-reset-mail:{email}", limit=settings.PASSWORD_RESET_MAILS_PER_HOUR, window_seconds=3600
        ):
            return redirect(self.get_success_url())
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def password_reset_phone(request):
    """Quên mật khẩu, by phone: the same answer whether or not the number has an account."""
    form = PhoneResetForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit(f"password-reset:{ratelimit.client_ip(request)}",
                             limit=settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR, window_seconds=3600):
            return render(request, "429.html", status=429)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            # Beyond PASSWORD_RESET_MAILS_PER_HOUR codes to one number: the same page, no SMS (no flooding).
            send = ratelimit.hit(f"password-reset-sms:{phone}", limit=settings.PASSWORD_RESET_MAILS_PER_HOUR,
                                 window_seconds=3600)
            services.phone_reset_start(session=request.session, phone=phone, send=send)
            return redirect("password_reset_phone_confirm")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "registration/password_reset_phone.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def password_reset_phone_confirm(request):
    sent_to = services.phone_reset_pending(request.session)
    if sent_to is None:
        return redirect("password_reset_phone")
    form = PhoneResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_reset_confirm(session=request.session, code=form.cleaned_data["code"],
                                         password=form.cleaned_data["password1"])
        except services.PhoneResetFailed as failure:
            if failure.gone:
                messages.error(request, failure.message)
                return redirect("password_reset_phone")
            form.add_error("code", failure.message)
        else:
            messages.success(request, _("Đã đặt lại mật khẩu. Vui lòng đăng nhập bằng mật khẩu mới."))
            return redirect("login")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "registration/password_reset_phone_confirm.html", {"form": form, "sent_to": sent_to},
                  status=status)


@login_required
@require_http_methods(["GET"])
def connected_apps(request):
    """Ứng dụng đã cấp quyền: the apps (e.g. the mobile app, /api/oauth/authorize/) the person let act for
    them, when allowed and last used, each with a "Thu hồi" button."""
    from dossiers.api_clients import connected_apps as apps_of

    return render(request, "registration/connected_apps.html", {"apps": apps_of(user=request.user)})


@login_required
@require_http_methods(["POST"])
def connected_app_revoke(request, application_id):
    """Revoke one app's access: its access and refresh tokens end now (audited in the token trail)."""
    from django.http import Http404

    from dossiers.api_clients import connected_app_revoke as revoke

    if not revoke(user=request.user, application_id=application_id, request=request):
        raise Http404  # not an app of this person (or already revoked): nothing to say about others'
    messages.success(request, _("Đã thu hồi quyền truy cập của ứng dụng."))
    return redirect("connected_apps")
