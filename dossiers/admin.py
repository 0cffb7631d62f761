from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from dossiers import services
from dossiers.models import (
    AdminChange,
    AgencyMembership,
    ApiClientScopes,
    ApiTokenEvent,
    Appointment,
    Document,
    DocumentSignature,
    Dossier,
    DossierEvent,
    MerchantAccount,
    NationalSyncEvent,
    NationalSyncReconciliation,
    OutboxMessage,
    Payment,
    PaymentReceipt,
    PaymentReconciliation,
    Rating,
    RegistryLookup,
    SandboxPortalFault,
    SandboxPortalReceipt,
    ServicePoint,
    SignatureVerification,
    SigningCertificate,
    User,
)


class MembershipInline(admin.TabularInline):
    model = AgencyMembership
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "phone", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "phone", "full_name"]
    list_filter = ["is_staff", "is_superuser", "is_active", "memberships__role"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "id_number", "address", "address_unit", "organization")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "phone", "full_name", "password1", "password2")}),)
    raw_id_fields = ["address_unit"]


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user", "agency"]
    search_fields = ["user__email", "user__full_name", "agency__name"]


@admin.register(ApiClientScopes)
class ApiClientScopesAdmin(admin.ModelAdmin):
    """Which scopes each OAuth2 client may be granted (the clients themselves: django-oauth-toolkit's admin)."""

    list_display = ["application", "citizen", "desk", "reports"]
    raw_id_fields = ["application"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and searched in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "agency", "comment"]
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    """Read-only: every state change goes through the lifecycle, never through the admin."""

    list_display = ["code", "procedure", "status", "channel", "receiving_agency", "due_date"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "applicant_name", "applicant_phone"]
    inlines = [EventInline]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: it can be read and searched, never edited."""

    list_display = ["created_at", "dossier", "action", "from_status", "to_status", "actor", "ip_address"]
    list_filter = ["action"]
    search_fields = ["dossier__code", "actor__email"]


@admin.register(AdminChange)
class AdminChangeAdmin(ReadOnlyAdmin):
    """The admin trail is append-only: readable here and on the monitor's page, never edited."""

    list_display = ["created_at", "actor_label", "kind", "model", "object_repr", "ip_address"]
    list_filter = ["kind", "model"]
    search_fields = ["actor_label", "object_repr", "object_id"]


@admin.register(PaymentReceipt)
class PaymentReceiptAdmin(ReadOnlyAdmin):
    """Issued electronic receipts: read only (an issued receipt never changes)."""

    list_display = ["number", "payment", "issued_at", "size"]
    search_fields = ["number", "payment__order_id", "payment__dossier__code"]


@admin.register(ApiTokenEvent)
class ApiTokenEventAdmin(ReadOnlyAdmin):
    """API tokens issued and revoked (never the tokens themselves): read-only."""

    list_display = ["created_at", "kind", "client_id", "user", "grant_type", "scope", "expires", "ip_address"]
    list_filter = ["kind", "grant_type"]
    search_fields = ["client_id", "user__email"]


@admin.register(RegistryLookup)
class RegistryLookupAdmin(ReadOnlyAdmin):
    """Officers' population-registry look-ups at counter intake (who asked about whom): read-only."""

    list_display = ["created_at", "actor", "agency", "id_number", "outcome", "dossier", "ip_address"]
    list_filter = ["outcome"]
    search_fields = ["id_number", "actor__email", "dossier__code"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments by state: `refund_due` lists the money to pay back (issue 20 item 4)."""

    list_display = ["order_id", "dossier", "amount", "state", "refund_reason", "reference", "created_at", "paid_at"]
    list_filter = ["state", "refund_reason", "provider"]
    search_fields = ["order_id", "reference", "dossier__code"]
    raw_id_fields = ["dossier"]
    actions = ["refund"]

    def has_refund_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Hoàn tiền các khoản cần hoàn đã chọn (qua ngân hàng)"), permissions=["refund"])
    def refund(self, request, queryset):
        done = 0
        for payment in queryset.filter(state=Payment.State.REFUND_DUE):
            try:
                services.payment_refund(payment=payment, actor=request.user)
                done += 1
            except services.RefundNotAllowed as exc:
                self.message_user(request, f"{payment.order_id}: {exc.message}", level="error")
        self.message_user(request, _("Đã hoàn tiền %(n)d khoản.") % {"n": done})


@admin.register(MerchantAccount)
class MerchantAccountAdmin(admin.ModelAdmin):
    """Each agency's merchant account at the payment provider: its fees are paid into it."""

    list_display = ["merchant_code", "agency", "provider", "account_name", "bank_name", "active"]
    list_filter = ["provider", "active"]
    search_fields = ["merchant_code", "agency__name", "agency__code"]
    raw_id_fields = ["agency"]


@admin.register(PaymentReconciliation)
class PaymentReconciliationAdmin(ReadOnlyAdmin):
    """Imported daily files of the payment provider and their mismatches (manage.py payments import)."""

    list_display = ["day", "provider", "merchant_code", "rows", "mismatch_count", "imported_at", "settled_at", "settled_by"]
    list_filter = ["provider"]
    readonly_fields = ["provider", "merchant_code", "day", "sha256", "rows", "mismatches", "imported_at", "imported_by", "settled_at",
                       "settled_by", "note"]

    @admin.display(description=_("số chênh lệch"))
    def mismatch_count(self, obj):
        return len(obj.mismatches)


@admin.register(SigningCertificate)
class SigningCertificateAdmin(ReadOnlyAdmin):
    """Agencies' signing certificates; "revoke" records the CA's revocation (the sandbox CA's list)."""

    list_display = ["subject", "agency", "serial", "not_before", "not_after", "revoked_at"]
    search_fields = ["subject", "serial", "fingerprint", "agency__code"]
    actions = ["revoke"]

    def has_revoke_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Ghi nhận thu hồi chứng thư số đã chọn"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for certificate in queryset:
            services.signing_certificate_revoke(certificate=certificate)


@admin.register(DocumentSignature)
class DocumentSignatureAdmin(ReadOnlyAdmin):
    list_display = ["verification_id", "document", "origin", "signer_name", "signed_at"]
    search_fields = ["verification_id", "sha256", "document__dossier__code"]


@admin.register(SignatureVerification)
class SignatureVerificationAdmin(ReadOnlyAdmin):
    """Public verifications, append-only (audit of /xac-thuc/)."""

    list_display = ["created_at", "verdict", "signature", "uploaded", "channel", "ip_address"]
    list_filter = ["verdict", "channel"]


admin.site.register([Document, Rating, OutboxMessage])


class DeadLetterFilter(admin.SimpleListFilter):
    title = _("tình trạng gửi")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("dead", _("Gửi lỗi (danh sách lỗi)")), ("pending", _("Chờ gửi")), ("acked", _("Đã được xác nhận"))]

    def queryset(self, request, queryset):
        return {
            "dead": queryset.filter(dead_at__isnull=False, acked_at__isnull=True),
            "pending": queryset.filter(dead_at__isnull=True, acked_at__isnull=True),
            "acked": queryset.filter(acked_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(NationalSyncEvent)
class NationalSyncEventAdmin(ReadOnlyAdmin):
    """The national sync's outbox; "replay" puts dead-lettered events back in line (audited per dossier)."""

    list_display = ["dossier", "sequence", "national_status", "agency", "attempts", "acked_at", "dead_at",
                    "last_error"]
    list_filter = [DeadLetterFilter, "national_status"]
    search_fields = ["dossier__code", "event_id"]
    actions = ["replay"]

    def has_replay_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Gửi lại các sự kiện gửi lỗi đã chọn"), permissions=["replay"])
    def replay(self, request, queryset):
        replayed = services.national_event_replay(events=list(queryset), actor=request.user)
        self.message_user(request, _("Đã gửi lại %(n)d sự kiện.") % {"n": replayed})


@admin.register(NationalSyncReconciliation)
class NationalSyncReconciliationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "equal", "local_total", "remote_total", "pending", "dead"]


admin.site.register([SandboxPortalReceipt, SandboxPortalFault])


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    """Counters of a centre (issue 19): the kiosk offers the fields they serve."""

    list_display = ["agency", "number", "name", "is_active", "appointments_per_slot"]
    list_filter = ["is_active"]
    search_fields = ["agency__name", "agency__code", "name"]
    raw_id_fields = ["agency"]
    filter_horizontal = ["fields", "procedures"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Appointments at the counter (issue 19): read-only here; citizens book, move and cancel them, the kiosk
    checks them in (each change in `AppointmentEvent`)."""

    list_display = ["code", "slot", "procedure", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["code", "slot__agency__name"]
    raw_id_fields = ["applicant", "slot", "procedure", "dossier", "ticket"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
