"""HTML pages of the dossiers app."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from dossiers import identity
from dossiers.views import (
    accounts,
    appointments,
    audit,
    citizen,
    counter,
    national_sync,
    payments,
    sandbox_portal,
    verify,
)

urlpatterns = [
    path("tai-khoan/dang-ky/", accounts.register, name="register"),
    path("tai-khoan/dang-ky/xac-nhan/", accounts.register_confirm, name="register_confirm"),
    path("giam-sat/nhat-ky/", audit.event_log, name="audit_log"),
    path("giam-sat/nhat-ky-quan-tri/", audit.admin_log, name="admin_audit_log"),
    path("giam-sat/dong-bo-dvcqg/", national_sync.sync_monitor, name="national_sync_monitor"),
    # The sandbox national portal (dossiers/views/sandbox_portal.py): 404 with DEBUG off unless ALLOW_SANDBOX.
    path("sandbox/cong-dvcqg/events", sandbox_portal.events, name="sandbox_portal_events"),
    path("sandbox/cong-dvcqg/counts", sandbox_portal.counts, name="sandbox_portal_counts"),
    path("tai-khoan/dang-nhap/", accounts.LoginView.as_view(), name="login"),
    # Ends the provider's session too after a VNeID sign-in (RP-initiated logout).
    path("tai-khoan/dang-xuat/", identity.IdentityLogoutView.as_view(), name="logout"),
    path("tai-khoan/vneid/", identity.IdentityLoginView.as_view(), name="identity_login"),
    path("tai-khoan/vneid/callback/", identity.IdentityCallbackView.as_view(), name="identity_callback"),
    path("tai-khoan/ung-dung/", accounts.connected_apps, name="connected_apps"),
    path("tai-khoan/ung-dung/<int:application_id>/thu-hoi/", accounts.connected_app_revoke,
         name="connected_app_revoke"),
    path("tai-khoan/quen-mat-khau/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("tai-khoan/quen-mat-khau/so-dien-thoai/", accounts.password_reset_phone, name="password_reset_phone"),
    path("tai-khoan/quen-mat-khau/so-dien-thoai/nhap-ma/", accounts.password_reset_phone_confirm,
         name="password_reset_phone_confirm"),
    path("tai-khoan/quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "tai-khoan/dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # --- citizen side (issue 4) ---
    path("ho-so/", citizen.my_dossiers, name="my_dossiers"),
    path("ho-so/kho-giay-to/", citizen.wallet, name="wallet"),
    path("ho-so/nop/<str:procedure_code>/", citizen.start, name="dossier_start"),
    path("ho-so/<uuid:public_id>/", citizen.detail, name="dossier_detail"),
    path("ho-so/<uuid:public_id>/to-khai/", citizen.form_step, name="dossier_form"),
    path("ho-so/<uuid:public_id>/giay-to/", citizen.documents_step, name="dossier_documents"),
    path("ho-so/<uuid:public_id>/xem-lai/", citizen.review, name="dossier_review"),
    path("ho-so/<uuid:public_id>/bien-nhan/", citizen.receipt, name="dossier_receipt"),
    path("ho-so/<uuid:public_id>/bo-sung/", citizen.supplement, name="dossier_supplement"),
    path("ho-so/<uuid:public_id>/rut/", citizen.withdraw, name="dossier_withdraw"),
    path("ho-so/<uuid:public_id>/danh-gia/", citizen.rate, name="dossier_rate"),
    path("ho-so/<uuid:public_id>/thanh-toan/", payments.pay, name="dossier_pay"),
    path("giay-to/<int:document_id>/tai-ve/", citizen.document_download, name="document_download"),
    path("giay-to/<int:document_id>/xem/", citizen.document_preview, name="document_preview"),
    path("tra-cuu/", citizen.lookup, name="dossier_lookup"),
    path("xac-thuc/", verify.verify, name="signature_verify_upload"),
    path("xac-thuc/ds-thu-hoi.crl", verify.revocation_list, name="signature_revocation_list"),
    path("xac-thuc/<str:verification_id>/", verify.verify, name="signature_verify"),
    path("thanh-toan/sandbox/<str:order_id>/", payments.payment_sandbox, name="payment_sandbox"),
    path("thanh-toan/ket-qua/", payments.payment_return, name="payment_return"),
    path("thanh-toan/thong-bao/", payments.payment_callback, name="payment_callback"),
    path("thanh-toan/<str:order_id>/bien-lai/", payments.payment_receipt, name="payment_receipt"),
    path("thanh-toan/<str:order_id>/bien-lai.pdf", payments.payment_receipt_pdf, name="payment_receipt_pdf"),
    # --- the counter's public screens (issue 19): kiosk, ticket slip, waiting-room display ---
    path("quay/<str:agency_code>/lay-so/", counter.kiosk, name="counter_kiosk"),
    path("quay/<str:agency_code>/man-hinh/", counter.display, name="counter_display"),
    path("quay/<str:agency_code>/man-hinh/so-dang-goi/", counter.display_rows, name="counter_display_rows"),
    path("quay/<str:agency_code>/lay-so/lich-hen/", counter.kiosk_check_in, name="counter_kiosk_check_in"),
    path("so-thu-tu/<uuid:public_id>/", counter.ticket_slip, name="counter_ticket"),
    path("quay/<str:agency_code>/quay-<int:number>/danh-gia/", counter.desk_rating, name="counter_rating"),
    # --- appointments at the counter (issue 19 item 1) ---
    path("lich-hen/", appointments.my_appointments, name="my_appointments"),
    path("lich-hen/dat/<str:procedure_code>/", appointments.book, name="appointment_book"),
    path("lich-hen/<uuid:public_id>/", appointments.detail, name="appointment_detail"),
    path("lich-hen/<uuid:public_id>/doi-gio/", appointments.move, name="appointment_move"),
    path("lich-hen/<uuid:public_id>/huy/", appointments.cancel, name="appointment_cancel"),
    path("mot-cua/", include(("dossiers.desk_urls", "desk"))),
]
