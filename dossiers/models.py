"""Accounts and roles, dossiers (hồ sơ), their documents, audit events, payments and ratings."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import DateTimeRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.name_search import folded_name_expression, name_vector
from dossiers.sequences import DaySequence
from procedures.models import AdministrativeUnit, Agency, OnlineMode, Procedure, ProcedureVersion


# --- accounts -------------------------------------------------------------------------------------
class AccountManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email) or None
        phone = extra_fields.pop("phone", None) or None
        if not email and not phone:
            raise ValueError("An account needs an e-mail address or a phone number.")
        user = self.model(email=email, phone=phone, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account: a citizen or business, or an officer (who also has AgencyMembership rows).

    Login is by e-mail or phone number (dossiers.auth.EmailOrPhoneBackend).
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("thư điện tử"), unique=True, null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, unique=True, null=True, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    id_number = models.CharField(_("số định danh cá nhân (CCCD)"), max_length=12, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    address_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("xã, phường nơi cư trú"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    organization = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=300, blank=True)
    # An officer's code (mã cán bộ) for API clients, e.g. to name the assignee (issue 17 item 4).
    staff_code = models.CharField(_("mã cán bộ"), max_length=40, unique=True, null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = AccountManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
                violation_error_message=_("Tài khoản cần có thư điện tử hoặc số điện thoại."),
            )
        ]

    def __str__(self):
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[-1] if self.full_name else ""

    def roles_in(self, agency):
        return {m.role for m in self.memberships.all() if m.agency_id == agency.pk}

    @property
    def is_officer(self):
        return self.memberships.exclude(role=Role.MONITOR).exists()

    @property
    def is_monitor(self):
        return self.memberships.filter(role=Role.MONITOR).exists()


class IdentityLink(models.Model):
    """An account's national electronic identity (định danh điện tử, VNeID): who the identity provider
    says signed in (issuer + subject), their personal ID number and the assurance level of that
    sign-in. One per account and one per ID number: the same person never gets two accounts
    (dossiers/services/identity.py states the linking rules)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE,
                                related_name="identity")
    issuer = models.CharField(_("nhà cung cấp định danh (issuer)"), max_length=300)
    subject = models.CharField(_("mã định danh tại nhà cung cấp (sub)"), max_length=255)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    assurance_level = models.PositiveSmallIntegerField(_("mức độ định danh"), default=1)
    verified_at = models.DateTimeField(_("xác thực lần cuối lúc"))
    linked_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("định danh điện tử của tài khoản")
        verbose_name_plural = _("định danh điện tử của tài khoản")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_unique_subject",
                                    violation_error_message=_("Định danh này đã liên kết với một tài khoản khác.")),
        ]

    def __str__(self):
        return f"{self.user} — {self.issuer} — mức {self.assurance_level}"


class RegistryLookup(models.Model):
    """A look-up in the population registry made by an officer at counter intake, before any dossier
    exists (a citizen's own look-up is a `registry_lookup` event of their draft): who asked, for which
    agency, about which personal ID number, from where, and what came of it. Append-only; `dossier` is
    set when the intake it served is taken in."""

    class Outcome(models.TextChoices):
        FOUND = "found", _("Có thông tin")
        NOT_FOUND = "not_found", _("Không có trong CSDL")
        UNAVAILABLE = "unavailable", _("CSDL không trả lời")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tra cứu"), on_delete=models.PROTECT,
                              related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    id_number = models.CharField(_("số định danh cá nhân được tra cứu"), max_length=12)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    registry = models.CharField(_("nguồn dữ liệu"), max_length=60, blank=True)
    fields = models.JSONField(_("trường đã điền"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    dossier = models.ForeignKey("Dossier", verbose_name=_("hồ sơ"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("tra cứu CSDL dân cư tại quầy")
        verbose_name_plural = _("tra cứu CSDL dân cư tại quầy")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["id_number", "created_at"], name="registry_lookup_idx")]

    def __str__(self):
        return f"{self.id_number} — {self.get_outcome_display()}"


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("Cán bộ tiếp nhận (Một cửa)")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    MONITOR = "monitor", _("Giám sát (Trung tâm Phục vụ hành chính công)")


class AgencyMembership(models.Model):
    """An officer's role in one agency. A user may hold several roles in several agencies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò tại cơ quan")
        verbose_name_plural = _("vai trò tại cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role",
                violation_error_message=_("Tài khoản đã có vai trò này tại cơ quan."),
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


# --- dossiers -------------------------------------------------------------------------------------
class Status(models.TextChoices):
    """Dossier statuses, named as the National Public Service Portal names its status codes 1-10 (the
    code is in the comment; NATIONAL_STATUS_CODES maps them)."""

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Mới đăng ký")  # 1
    RECEIVED = "received", _("Được tiếp nhận")  # 2
    REFUSED = "refused", _("Không được tiếp nhận")  # 3
    PROCESSING = "processing", _("Đang xử lý")  # 4
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")  # 5
    AWAITING_PAYMENT = "awaiting_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")  # 6
    WITHDRAWN = "withdrawn", _("Công dân yêu cầu rút hồ sơ")  # 7
    STOPPED = "stopped", _("Dừng xử lý")  # 8
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt")  # 4 nationally (Đang xử lý)
    PROCESSED = "processed", _("Đã xử lý xong")  # 9
    RETURNED = "returned", _("Đã trả kết quả")  # 10

    @classmethod
    def national_code(cls, status):
        return NATIONAL_STATUS_CODES.get(status)

    @classmethod
    def open_statuses(cls):
        """Received by an agency and not finished: the clock is (or may be) running."""
        return [
            cls.RECEIVED, cls.PROCESSING, cls.SUPPLEMENT_REQUESTED, cls.AWAITING_PAYMENT,
            cls.AWAITING_APPROVAL, cls.PROCESSED,
        ]

    @classmethod
    def final_statuses(cls):
        return [cls.REFUSED, cls.WITHDRAWN, cls.STOPPED, cls.RETURNED]


NATIONAL_STATUS_CODES = {
    Status.SUBMITTED: 1, Status.RECEIVED: 2, Status.REFUSED: 3, Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5, Status.AWAITING_PAYMENT: 6, Status.WITHDRAWN: 7, Status.STOPPED: 8,
    Status.AWAITING_APPROVAL: 4, Status.PROCESSED: 9, Status.RETURNED: 10,
}


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    POSTAL = "postal", _("Bưu chính công ích")


class ResultDelivery(models.TextChoices):
    """Where the applicant collects the result (Mẫu 01 of Circular 03/2025/TT-VPCP, Appendix I)."""

    DESK = "desk", _("Tại Bộ phận Một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Trực tuyến (tài khoản trên Cổng Dịch vụ công)")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that scopes dossiers to a user; every view and endpoint goes through it.

        Citizens see their own dossiers; officers the dossiers received by or now handled by one of
        their agencies (a transferred dossier stays visible to both); monitors and superusers all.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = list(user.memberships.all())
        if any(m.role == Role.MONITOR for m in memberships):
            return self
        agency_ids = {m.agency_id for m in memberships}
        own = Q(applicant=user)
        if agency_ids:
            return self.filter(
                own
                | (
                    (Q(receiving_agency_id__in=agency_ids) | Q(handling_agency_id__in=agency_ids))
                    & ~Q(status=Status.DRAFT)
                )
            )
        return self.filter(own)

    def open(self):
        return self.filter(status__in=Status.open_statuses())

    def overdue(self, today=None):
        today = today or timezone.localdate()
        # The clock stops only while a pause runs (a second supplement request after receipt does not stop it).
        return self.open().filter(clock_paused_at__isnull=True, due_date__lt=today)


class Dossier(models.Model):
    """Hồ sơ: one application for one procedure, from draft to returned result."""

    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    # The number an online dossier gets when it is submitted, before the desk receives it:
    # `{agency}-{yyMMdd}-N{NNNN}`. The code proper is dated on the day of receipt (Circular
    # 01/2018/TT-VPCP art. 19, kept by Circular 03/2025), so receipt replaces `code`; this one stays so
    # the number the citizen was first given keeps working in the look-up, the API and the desk search.
    submission_code = models.CharField(_("mã nộp hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    # Stable, unguessable id used in citizens' URLs and the API: a draft has no code yet.
    public_id = models.UUIDField(_("mã tham chiếu"), default=uuid.uuid4, unique=True, editable=False)
    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers")
    procedure_version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản thủ tục"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan tiếp nhận"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    handling_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan đang xử lý"), on_delete=models.PROTECT, related_name="handled_dossiers"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản người nộp"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    # The name unaccented and lower case ("Đặng Lê" -> "dang le"), computed by PostgreSQL on every write, for
    # the desk's accent-insensitive name search (dossiers/name_search.py; issue 21 item 10).
    applicant_name_search = models.GeneratedField(
        expression=folded_name_expression(), output_field=models.TextField(), db_persist=True,
        verbose_name=_("họ tên người nộp (không dấu)"))
    applicant_id_number = models.CharField(_("số định danh người nộp"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("điện thoại người nộp"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử người nộp"), blank=True)
    applicant_address = models.CharField(_("địa chỉ người nộp"), max_length=300, blank=True)
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # Mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Circular 03/2025/TT-VPCP, Appendix I): who brought
    # the dossier on the applicant's behalf and under which authorisation, how many sets, and where the
    # result is collected.
    proxy_name = models.CharField(_("họ tên người nộp thay"), max_length=200, blank=True)
    proxy_id_number = models.CharField(_("số định danh người nộp thay"), max_length=12, blank=True)
    proxy_authorisation = models.CharField(
        _("văn bản ủy quyền"), max_length=200, blank=True,
        help_text=_("Số, ngày của giấy ủy quyền (hoặc quan hệ với người có yêu cầu)."))
    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    result_delivery = models.CharField(_("nơi nhận kết quả"), max_length=10, choices=ResultDelivery.choices,
                                       default=ResultDelivery.DESK)
    result_address = models.CharField(_("địa chỉ nhận kết quả qua bưu chính"), max_length=300, blank=True)
    # Decree 118/2025/NĐ-CP: a procedure received regardless of administrative boundaries may be submitted
    # at any competent centre of the province; the receiving centre takes it in (and is credited with it in
    # the statistics) and the dossier is routed at receipt to the agency that decides it. Empty: the
    # receiving centre decides.
    deciding_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan giải quyết"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+")
    assisted = models.BooleanField(
        _("cán bộ nộp trực tuyến thay"), default=False,
        help_text=_("Nộp trực tuyến do cán bộ thực hiện thay công dân; thống kê riêng."),
    )
    online_mode = models.CharField(_("mức độ trực tuyến khi nộp"), max_length=10, choices=OnlineMode.choices, blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    # What the population registry filled when the draft was created (dossiers/registry.py):
    # {"looked_up_at", "applicant": [model fields], "form": [schema fields], "proves": [RegistryProof]}.
    registry_prefill = models.JSONField(_("dữ liệu khai thác từ CSDL dân cư"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    # When the clock last (re)started: receipt, or the completed supplement.
    clock_started_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("tạm dừng tính thời hạn lúc"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("số ngày tạm dừng"), default=0)
    processing_days = models.PositiveSmallIntegerField(_("số ngày làm việc cam kết"), null=True, blank=True)
    due_date = models.DateField(_("hẹn trả kết quả"), null=True, blank=True)
    completed_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chuyên viên xử lý"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_dossiers",
    )
    fee_amount = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_paid_at = models.DateTimeField(_("nộp phí lúc"), null=True, blank=True)
    fee_paid_online = models.BooleanField(_("nộp phí trực tuyến"), default=False)
    late_letter_at = models.DateTimeField(_("đã gửi thư xin lỗi lúc"), null=True, blank=True)
    new_due_date = models.DateField(_("ngày hẹn mới"), null=True, blank=True)
    # Optimistic concurrency: a page action carries the version it was rendered with.
    version = models.PositiveIntegerField(_("phiên bản"), default=0)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["handling_agency", "status", "due_date", "id"], name="dossier_queue_idx"),
            # The desk's "awaiting reception" queue is ordered by submission time.
            models.Index(fields=["handling_agency", "status", "submitted_at", "id"], name="dossier_intake_queue_idx"),
            # Desk search by the applicant's phone or ID number.
            models.Index(fields=["applicant_phone"], name="dossier_applicant_phone_idx"),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_idnum_idx"),
            # Desk search by the applicant's name, accents ignored, each word a prefix (dossiers/name_search.py).
            GinIndex(name_vector(), name="dossier_applicant_name_fts_idx"),
            # Desk search by the end of a code as the receipt prints it ("261102-0001"): a prefix match on
            # the reversed code (issue 21 item 10).
            models.Index(OpClass(Reverse("code"), name="text_pattern_ops"), name="dossier_code_reversed_idx"),
            # Desk tab counts: every column they read, so one index-only scan per agency.
            models.Index(fields=["handling_agency", "status", "due_date"], name="dossier_desk_counts_idx",
                         include=["assignee", "receiving_agency", "applicant", "id"]),
            # "Due soon" and "overdue" tabs: running dossiers in due-date order, whatever their status.
            models.Index(fields=["handling_agency", "due_date", "id"], name="dossier_running_due_idx",
                         condition=Q(status__in=["received", "processing", "awaiting_payment", "awaiting_approval",
                                                 "processed"])),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_received_idx"),
            models.Index(fields=["returned_at"], name="dossier_returned_idx"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_idx"),
            models.Index(fields=["status", "due_date"], name="dossier_status_due_idx"),
            # Monthly statistics: dossiers received in a month (all agencies), and those open at an
            # instant T (received_at < T <= closed_at, open-ended while not closed), via `@> T`.
            # A closed_at before received_at (backdated data) gives an empty range, not an error
            # that would make the dossier's save fail.
            models.Index(fields=["received_at"], name="dossier_received_at_idx"),
            GistIndex(
                Func(F("received_at"),
                     Case(When(closed_at__lt=F("received_at"), then=F("received_at")), default=F("closed_at")),
                     Value("(]"), function="tstzrange", output_field=DateTimeRangeField()),
                name="dossier_open_span_idx", condition=Q(received_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(code__isnull=False),
                name="dossier_code_after_draft",
                violation_error_message=_("Hồ sơ đã nộp phải có mã hồ sơ."),
            ),
        ]

    def __str__(self):
        return self.code or f"draft #{self.pk}"

    @property
    def code_is_provisional(self):
        """Still under the number given at submission: not yet received (the code proper is dated at
        receipt, `services.intake.dossier_receive`)."""
        return self.submission_code is not None and self.code == self.submission_code

    @property
    def is_open(self):
        return self.status in Status.open_statuses()

    @property
    def is_overdue(self):
        return (
            self.is_open and self.clock_paused_at is None and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def national_status_code(self):
        return NATIONAL_STATUS_CODES.get(self.status)

    @property
    def payments_to_refund(self):
        """Bank payments that did not settle the fee and are owed back (uses prefetched `payments`)."""
        return [p for p in self.payments.all() if p.state == Payment.State.REFUND_DUE]


class DossierSequence(DaySequence):
    """Dossiers received by an agency on a day: the NNNN of their codes."""

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day"], name="sequence_unique_agency_day",
                violation_error_message=_("Bộ đếm đã tồn tại."),
            )
        ]


class SubmissionSequence(DaySequence):
    """Online dossiers submitted to an agency on a day: the NNNN of their submission numbers."""

    class Meta:
        verbose_name = _("bộ đếm số nộp hồ sơ")
        verbose_name_plural = _("bộ đếm số nộp hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="submission_sequence_unique_agency_day"),
        ]


class DocumentSource(models.TextChoices):
    UPLOADED = "uploaded", _("Tải lên")
    SCANNED = "scanned", _("Số hóa tại Bộ phận Một cửa")
    REUSED = "reused", _("Dùng lại từ kho dữ liệu")
    PAPER = "paper", _("Bản giấy (chưa số hóa)")
    RESULT = "result", _("Kết quả giải quyết")


def document_path(instance, filename):
    # Random-looking, non-guessable name; the original name is kept in the row.
    return f"dossiers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file of a dossier: an uploaded or scanned paper, a reused wallet document, or the result."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "procedures.RequiredDocument", verbose_name=_("thành phần hồ sơ"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    file = models.FileField(_("tệp"), upload_to=document_path, max_length=300, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=DocumentSource.choices, default=DocumentSource.UPLOADED)
    reused_from = models.ForeignKey(
        "self", verbose_name=_("dùng lại từ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_supplement = models.BooleanField(_("giấy tờ bổ sung"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ")
        verbose_name_plural = _("giấy tờ")
        ordering = ["dossier", "id"]

    def __str__(self):
        return self.name

    @property
    def is_digital(self):
        return self.source != DocumentSource.PAPER


def staged_path(instance, filename):
    return f"staged/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}"


class StagedUpload(models.Model):
    """A scan attached to a counter intake form (tiếp nhận tại Bộ phận Một cửa) that came back with an error.

    Kept server-side under the officer and the form's token until the form is sent again, so a
    validation error never loses a scan (issue 21 item 9); moved into the dossier when it is taken in,
    else deleted by `dossiers.tasks.purge_staged_uploads` after STAGED_UPLOAD_HOURS.
    """

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE,
                                related_name="+")
    form_token = models.CharField(_("mã biểu mẫu"), max_length=64)
    required_document = models.ForeignKey("procedures.RequiredDocument", verbose_name=_("thành phần hồ sơ"),
                                          on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("tệp"), upload_to=staged_path, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tệp quét đang giữ")
        verbose_name_plural = _("tệp quét đang giữ")
        constraints = [
            models.UniqueConstraint(fields=["officer", "form_token", "required_document"],
                                    name="staged_upload_one_per_slot",
                                    violation_error_message=_("Mỗi giấy tờ của biểu mẫu chỉ giữ một tệp quét.")),
        ]

    def __str__(self):
        return self.original_name


class DossierEventQuerySet(models.QuerySet):
    def timeline(self):
        """The dossier's history as its pages and the API show it: everything but officers' reads of its
        personal data (`download` of a file, `print` of a document: lifecycle.Recorded), which only the
        monitor's audit search lists."""
        return self.exclude(action__in=["download", "print"])


class DossierEvent(models.Model):
    """Audit trail: one row per state change (and notable action, file accesses included), append-only.

    `comment_audience` says who may read the comment (issue 20 item 6), set from the action's
    declaration in dossiers.lifecycle when the event is written; dossiers.access applies it.
    """

    class Audience(models.TextChoices):
        APPLICANT = "applicant", _("Người nộp hồ sơ và cán bộ")
        STAFF = "staff", _("Chỉ cán bộ xử lý")

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=40)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("ghi chú"), blank=True)
    comment_audience = models.CharField(_("người được đọc ghi chú"), max_length=12, choices=Audience.choices,
                                        default=Audience.STAFF)
    data = models.JSONField(_("dữ liệu kèm theo"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    objects = DossierEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["dossier", "created_at", "id"]
        indexes = [models.Index(fields=["dossier", "created_at"], name="event_dossier_time_idx")]

    def __str__(self):
        return f"{self.dossier} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)


class AdminChange(models.Model):
    """Nhật ký quản trị: one row per add, change or delete made through the Django admin, append-only.

    Written next to Django's own LogEntry by `dossiers.admin_audit` (why there: see that module), with
    what LogEntry lacks: the client IP, the actor's address at the time, and rows no one can alter. The
    model refuses to save an existing row or delete one, the admin offers no add/change/delete, and a
    database trigger rejects UPDATE and DELETE (migration 0006_adminchange). Actors are protected: an
    account with admin changes is deactivated, never deleted.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("Thêm mới")
        CHANGE = "change", _("Sửa")
        DELETE = "delete", _("Xóa")

    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("tài khoản lúc thực hiện"), max_length=254)
    kind = models.CharField(_("thao tác"), max_length=10, choices=Kind.choices)
    # "app_label.model_name": a string, not a content type, so removing a model never touches the trail.
    model = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=200)
    # LogEntry's structured change message: [{"changed": {"fields": [...]}}, {"added": {...}}, …].
    changes = models.JSONField(_("nội dung thay đổi"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    log_entry_id = models.PositiveBigIntegerField(_("mã bản ghi LogEntry"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký quản trị")
        verbose_name_plural = _("nhật ký quản trị")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["model", "object_id"], name="adminchange_object_idx"),
            models.Index(fields=["actor", "-id"], name="adminchange_actor_idx"),
            models.Index(fields=["created_at"], name="adminchange_time_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.model} #{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Admin changes are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Admin changes are append-only.")


class Payment(models.Model):
    """A fee payment through a provider; `reference` is the provider's transaction id.

    One open (pending) payment per dossier and fee; money the bank took that does not settle the fee
    it was started for is `refund_due` (cần hoàn tiền), never a second payment (issue 20 items 4, 5).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        FAILED = "failed", _("Không thành công")
        REFUND_DUE = "refund_due", _("Cần hoàn tiền")
        REFUNDED = "refunded", _("Đã hoàn tiền")
        # Not paid within PAYMENT_EXPIRY_MINUTES: the bank's link is dead (a late success still counts).
        EXPIRED = "expired", _("Hết hạn thanh toán")

    class RefundReason(models.TextChoices):
        ALREADY_PAID = "already_paid", _("Phí, lệ phí đã được nộp bằng khoản khác")
        FEE_CHANGED = "fee_changed", _("Số tiền khác mức phí hiện tại của hồ sơ")
        NOT_PAYABLE = "not_payable", _("Hồ sơ không còn nhận nộp phí")

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("đơn vị thanh toán"), max_length=40)
    order_id = models.CharField(_("mã giao dịch MotCua"), max_length=64, unique=True)
    reference = models.CharField(_("mã giao dịch ngân hàng"), max_length=100, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    raw = models.JSONField(_("thông báo của ngân hàng"), default=dict, blank=True)
    refund_reason = models.CharField(_("lý do hoàn tiền"), max_length=20, choices=RefundReason.choices, blank=True)
    refunded_at = models.DateTimeField(_("hoàn tiền lúc"), null=True, blank=True)
    # The collecting agency's merchant account at the provider when the payment started (MerchantAccount).
    merchant_code = models.CharField(_("mã đơn vị chấp nhận thanh toán"), max_length=60, blank=True)
    refund_reference = models.CharField(_("mã giao dịch hoàn tiền"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["-created_at"]
        constraints = [
            # A second "pay" click (or a concurrent one) reuses the open payment instead of opening another.
            models.UniqueConstraint(fields=["dossier", "amount"], condition=models.Q(state="pending"),
                                    name="payment_one_pending_per_fee",
                                    violation_error_message=_("Hồ sơ đã có một khoản thanh toán đang chờ.")),
        ]

    def __str__(self):
        return self.order_id


class PaymentReceipt(models.Model):
    """Biên lai điện tử: the receipt of a settled fee payment, issued once, numbered per year, kept as the
    PDF the citizen was given (signed by the collecting agency's certificate when a signer is configured)
    and put into the citizen's wallet (kho dữ liệu). A refund is written on later copies of the page, never
    into this file: an issued receipt does not change (issue 18 item 4)."""

    payment = models.OneToOneField(Payment, verbose_name=_("thanh toán"), on_delete=models.PROTECT,
                                   related_name="receipt")
    year = models.PositiveSmallIntegerField(_("năm"))
    seq = models.PositiveIntegerField(_("số thứ tự trong năm"))
    number = models.CharField(_("số biên lai"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("lập lúc"))
    file = models.FileField(_("tệp"), upload_to=document_path, max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)

    class Meta:
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="payment_receipt_number_per_year")]

    def __str__(self):
        return self.number


class Rating(models.Model):
    """Đánh giá mức độ hài lòng: one per dossier, what the satisfaction statistics count.

    Given by the citizen once the result is returned, or on the counter's tablet right after a ticket that
    led to this dossier was served (`source` desk, mapped from the DeskRating by
    dossiers.services.counter.desk_rating_give). The citizen's own rating of the returned result replaces a
    desk rating, so a dossier is never counted twice.
    """

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Hài lòng")
        NORMAL = "normal", _("Bình thường")
        UNSATISFIED = "unsatisfied", _("Không hài lòng")

    class Source(models.TextChoices):
        CITIZEN = "citizen", _("Người nộp đánh giá khi nhận kết quả")
        DESK = "desk", _("Đánh giá tại quầy")

    dossier = models.OneToOneField(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating")
    value = models.CharField(_("mức độ"), max_length=12, choices=Value.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    source = models.CharField(_("nguồn đánh giá"), max_length=8, choices=Source.choices, default=Source.CITIZEN)
    created_at = models.DateTimeField(_("đánh giá lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        # Monthly statistics count the ratings given in a month.
        indexes = [models.Index(fields=["created_at"], name="rating_created_idx")]

    def __str__(self):
        return f"{self.dossier}: {self.value}"


class OutboxMessage(models.Model):
    """A side effect (e-mail, SMS) written in the same transaction as the change that caused it.

    Dispatched on commit when the broker answers, else by the relay task later; `key` makes sending
    idempotent (the same event never notifies twice).
    """

    key = models.CharField(_("khóa"), max_length=200, unique=True)
    kind = models.CharField(_("loại"), max_length=40)
    payload = models.JSONField(_("nội dung"), default=dict)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("đã chuyển đi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("thông báo chờ gửi")
        verbose_name_plural = _("thông báo chờ gửi")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_pending_idx")]

    def __str__(self):
        return self.key


class SmsMessage(models.Model):
    """What the sandbox SMS gateway 'sent' (the real gateway sits behind the same interface)."""

    phone = models.CharField(_("số điện thoại"), max_length=20)
    text = models.TextField(_("nội dung"))
    message_id = models.CharField(_("mã tin nhắn của người gửi"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tin nhắn SMS (sandbox)")
        verbose_name_plural = _("tin nhắn SMS (sandbox)")
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~models.Q(message_id=""), name="sms_message_id_unique",
                violation_error_message=_("Tin nhắn với mã này đã được gửi."),
            ),
        ]

    def __str__(self):
        return f"{self.phone}: {self.text[:40]}"


def verification_token():
    # The public verification id printed in the QR code: unguessable (192 random bits), URL-safe.
    import secrets  # here: only this default needs it

    return secrets.token_urlsafe(24)


class SigningCertificate(models.Model):
    """An agency's signing certificate (chứng thư số của cơ quan) as MotCua knows it: what it signed with
    and whether the certificate authority revoked it (the sandbox CA records revocations here)."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    serial = models.CharField(_("số hiệu"), max_length=80)
    subject = models.CharField(_("chủ thể"), max_length=500)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư số ký kết quả")
        verbose_name_plural = _("chứng thư số ký kết quả")

    def __str__(self):
        return self.subject


class DocumentSignature(models.Model):
    """The digital signature of a result (chữ ký số trên kết quả): signed here when the leader approved,
    or found on an uploaded, already-signed PDF and validated. `verification_id` is the public key of
    /xac-thuc/<id>/ printed in the stamp's QR code."""

    class Origin(models.TextChoices):
        SIGNED_HERE = "signed_here", _("Ký số khi phê duyệt")
        UPLOADED = "uploaded", _("Tệp tải lên đã có chữ ký số")

    # What was signed: a result (document) or a fee receipt, exactly one of them.
    document = models.OneToOneField(Document, verbose_name=_("giấy tờ"), on_delete=models.CASCADE,
                                    related_name="signature", null=True, blank=True)
    receipt = models.OneToOneField(PaymentReceipt, verbose_name=_("biên lai"), on_delete=models.CASCADE,
                                   related_name="signature", null=True, blank=True)
    verification_id = models.CharField(_("mã xác thực"), max_length=64, unique=True, default=verification_token)
    origin = models.CharField(_("nguồn chữ ký"), max_length=12, choices=Origin.choices)
    certificate = models.ForeignKey(SigningCertificate, verbose_name=_("chứng thư số"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("tên người ký"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("ký lúc"))
    sha256 = models.CharField(_("mã băm SHA-256 của tệp đã ký"), max_length=64, db_index=True)
    signature_digest = models.CharField(_("mã băm SHA-256 của chữ ký"), max_length=64, db_index=True)
    validation = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)

    class Meta:
        verbose_name = _("chữ ký số kết quả")
        verbose_name_plural = _("chữ ký số kết quả")
        constraints = [models.CheckConstraint(
            condition=models.Q(document__isnull=False, receipt__isnull=True)
            | models.Q(document__isnull=True, receipt__isnull=False), name="signature_of_one_thing")]

    def __str__(self):
        return self.verification_id

    @property
    def signed_file(self):
        return (self.document or self.receipt).file


class SignatureVerification(models.Model):
    """One public verification (tra cứu xác thực kết quả): which record, what was found, from where. No
    personal data: the file's hash and the verdict only."""

    class Verdict(models.TextChoices):
        VALID = "valid", _("Hợp lệ")
        TAMPERED = "tampered", _("Đã bị sửa đổi hoặc chữ ký không hợp lệ")
        REVOKED = "revoked", _("Chứng thư số đã bị thu hồi trước khi ký")
        UNKNOWN = "unknown", _("Không xác định")

    signature = models.ForeignKey(DocumentSignature, verbose_name=_("chữ ký số"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="verifications")
    verdict = models.CharField(_("kết luận"), max_length=10, choices=Verdict.choices)
    sha256 = models.CharField(_("mã băm SHA-256 của tệp kiểm tra"), max_length=64, blank=True)
    uploaded = models.BooleanField(_("tệp do người tra cứu tải lên"), default=False)
    channel = models.CharField(_("kênh"), max_length=10, default="web")
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lượt xác thực kết quả")
        verbose_name_plural = _("lượt xác thực kết quả")

    def __str__(self):
        return f"{self.verdict} {self.created_at:%Y-%m-%d %H:%M}"


# --- API clients ----------------------------------------------------------------------------------
class ApiScope(models.TextChoices):
    """The audiences of the API (portal/api_auth.py); an OAuth2 client may ask only for its own."""

    CITIZEN = "citizen", _("Công dân")
    DESK = "desk", _("Một cửa và xử lý hồ sơ")
    REPORTS = "reports", _("Thống kê, báo cáo")


class ApiClientScopes(models.Model):
    """The scopes one OAuth2 client (an agency's other system, a mobile app) may be granted.

    The client's Application acts as its `user`, a service account with AgencyMembership rows
    (docs/api-clients.md); a client without this row gets no scope at all.
    """

    application = models.OneToOneField("oauth2_provider.Application", verbose_name=_("ứng dụng"),
                                       on_delete=models.CASCADE, related_name="allowed_scopes")
    citizen = models.BooleanField(_("phạm vi công dân (citizen)"), default=False)
    desk = models.BooleanField(_("phạm vi Một cửa (desk)"), default=False)
    reports = models.BooleanField(_("phạm vi thống kê (reports)"), default=False)

    class Meta:
        verbose_name = _("phạm vi của ứng dụng API")
        verbose_name_plural = _("phạm vi của ứng dụng API")

    def __str__(self):
        return f"{self.application}: {' '.join(self.scopes())}"

    def scopes(self):
        return [scope for scope in ApiScope.values if getattr(self, scope)]


class ApiTokenEvent(models.Model):
    """Nhật ký mã truy cập API: one row per OAuth2 access token issued or revoked at /api/oauth/ (who it
    acts as, which client, which scopes, until when, from which address). Append-only; kept when the
    token itself is deleted (revocation and expiry clean-up delete tokens). The token is never stored."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Cấp mã")
        REVOKED = "revoked", _("Thu hồi mã")

    kind = models.CharField(_("sự kiện"), max_length=10, choices=Kind.choices)
    application = models.ForeignKey("oauth2_provider.Application", verbose_name=_("ứng dụng"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    client_id = models.CharField(_("mã ứng dụng (client_id)"), max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    grant_type = models.CharField(_("kiểu cấp quyền"), max_length=40, blank=True)
    scope = models.CharField(_("phạm vi"), max_length=200, blank=True)
    token_id = models.BigIntegerField(_("số hiệu mã"), null=True, blank=True)
    expires = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký mã truy cập API")
        verbose_name_plural = _("nhật ký mã truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.client_id} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("API token events are append-only.")
        super().save(*args, **kwargs)


class MerchantAccount(models.Model):
    """An agency's merchant account at the payment provider (tài khoản thu của cơ quan): fees paid for its
    dossiers go to its own account; the provider's reconciliation files are per merchant."""

    agency = models.OneToOneField(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT,
                                  related_name="merchant_account")
    provider = models.CharField(_("đơn vị thanh toán"), max_length=40)
    merchant_code = models.CharField(_("mã đơn vị chấp nhận thanh toán"), max_length=60)
    account_name = models.CharField(_("tên tài khoản thu"), max_length=200)
    bank_account = models.CharField(_("số tài khoản"), max_length=40)
    bank_name = models.CharField(_("ngân hàng"), max_length=120)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("tài khoản thu của cơ quan")
        verbose_name_plural = _("tài khoản thu của cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["provider", "merchant_code"], name="merchant_code_unique",
                                    violation_error_message=_("Mã đơn vị chấp nhận thanh toán đã được dùng.")),
        ]

    def __str__(self):
        return f"{self.merchant_code} — {self.agency}"


class PaymentReconciliation(models.Model):
    """One day's reconciliation file of a payment provider (đối soát giao dịch), imported and compared with
    MotCua's payments; `mismatches` are for a person to settle (issue 18 item 4)."""

    provider = models.CharField(_("đơn vị thanh toán"), max_length=40)
    merchant_code = models.CharField(_("mã đơn vị chấp nhận thanh toán"), max_length=60, blank=True)
    day = models.DateField(_("ngày giao dịch"))
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    rows = models.PositiveIntegerField(_("số dòng"))
    # [{"kind", "order_id", "reference", "bank_amount", "amount", "bank_status", "state"}]
    mismatches = models.JSONField(_("chênh lệch"), default=list)
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField(_("đã xử lý chênh lệch lúc"), null=True, blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người xử lý"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("ghi chú xử lý"), blank=True)

    class Meta:
        verbose_name = _("đối soát thanh toán")
        verbose_name_plural = _("đối soát thanh toán")
        ordering = ["-day", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "merchant_code", "day", "sha256"],
                                    name="payment_reconciliation_file_once",
                                    violation_error_message=_("Tệp đối soát này đã được nhập.")),
        ]

    def __str__(self):
        return f"{self.provider} {self.day}: {len(self.mismatches)}"


# --- the counter: service points and queue tickets (issue 19) ---------------------------------------
# --- appointments at the counter (issue 19 item 1) ----------------------------------------------------
from dossiers.appointments import Appointment, AppointmentEvent, AppointmentSlot  # noqa: E402, F401
from dossiers.counter import DeskRating, ServicePoint, Ticket, TicketEvent, TicketSequence  # noqa: E402, F401
from dossiers.national_models import (  # noqa: E402, F401
    NationalSyncEvent,
    NationalSyncReconciliation,
    SandboxPortalFault,
    SandboxPortalReceipt,
)
