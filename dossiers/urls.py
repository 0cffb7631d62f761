"""HTML pages of the dossiers app."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from dossiers.views import accounts

urlpatterns = [
    path("tai-khoan/dang-ky/", accounts.register, name="register"),
    path("tai-khoan/dang-nhap/", accounts.LoginView.as_view(), name="login"),
    path("tai-khoan/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/quen-mat-khau/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("tai-khoan/quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "tai-khoan/dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-cua/", include(("dossiers.desk_urls", "desk"))),
]
