"""Registration, login, logout and password reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import services
from dossiers.forms import LoginForm, RegistrationForm
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
        user = services.account_register(
            full_name=form.cleaned_data["full_name"], email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"], id_number=form.cleaned_data["id_number"],
            address=form.cleaned_data["address"], password=form.cleaned_data["password1"],
        )
        login(request, user, backend="dossiers.auth.EmailOrPhoneBackend")
        messages.success(request, _("Đăng ký tài khoản thành công. Chào mừng bạn đến với Cổng Dịch vụ công."))
        return redirect("home")
    return render(request, "registration/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    # The same confirmation page whether or not an account exists: reveals nothing.
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
