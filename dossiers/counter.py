"""The counter (quầy) of a one-stop centre: service points, queue tickets and their trail (issue 19).

Imported by dossiers.models, so these are models of the `dossiers` app. A ticket's number is per centre
(agency) and day: it restarts each morning and never repeats within a day (`ticket_unique_number`),
allocated under the lock of the (agency, day) row of `TicketSequence` (dossiers.services.counter).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.sequences import DaySequence
from procedures.models import Agency, Field, Procedure


class ServicePoint(models.Model):
    """Quầy giao dịch: one counter of a centre's one-stop desk, serving some fields or procedures.

    A counter with neither fields nor procedures serves every service of its centre.
    """

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan, trung tâm"), on_delete=models.CASCADE,
                               related_name="service_points")
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("lĩnh vực phục vụ"), blank=True, related_name="+")
    procedures = models.ManyToManyField(Procedure, verbose_name=_("thủ tục phục vụ"), blank=True, related_name="+")
    is_active = models.BooleanField(_("đang mở"), default=True)
    # Places this counter gives each appointment slot (lịch hẹn); 0: it takes walk-ins only.
    appointments_per_slot = models.PositiveSmallIntegerField(
        _("số lịch hẹn mỗi khung giờ"), default=1,
        help_text=_("Số công dân quầy nhận theo lịch hẹn trong mỗi khung giờ; 0: quầy không nhận lịch hẹn."))

    class Meta:
        verbose_name = _("quầy giao dịch")
        verbose_name_plural = _("quầy giao dịch")
        ordering = ["agency", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="service_point_unique_number",
                                    violation_error_message=_("Trung tâm đã có quầy số này.")),
        ]

    def __str__(self):
        return self.name or _("Quầy %(number)s") % {"number": self.number}


class TicketSequence(DaySequence):
    """Tickets a centre gave on a day: the numbers of its queue."""

    class Meta:
        verbose_name = _("bộ đếm số thứ tự")
        verbose_name_plural = _("bộ đếm số thứ tự")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="ticket_sequence_unique_agency_day",
                                    violation_error_message=_("Bộ đếm đã tồn tại.")),
        ]


class Ticket(models.Model):
    """Phiếu số thứ tự: a walk-in's place in the queue of a centre for one service, on one day.

    Holds no personal data: the applicant is known only once a dossier is taken in from it.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        CALLED = "called", _("Đã gọi")
        SERVING = "serving", _("Đang phục vụ")
        DONE = "done", _("Đã xong")
        NO_SHOW = "no_show", _("Vắng mặt")

    public_id = models.UUIDField(_("mã tham chiếu"), default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan, trung tâm"), on_delete=models.PROTECT,
                               related_name="tickets")
    day = models.DateField(_("ngày"))
    number = models.PositiveIntegerField(_("số thứ tự"))
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.WAITING)
    # While waiting: the counter it was transferred to (else any counter serving it); then the calling one.
    counter = models.ForeignKey(ServicePoint, verbose_name=_("quầy"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="tickets")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ phục vụ"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tickets")
    # The kiosk form's one-time key: a resubmitted form returns the ticket it already issued.
    idempotency_key = models.UUIDField(_("khóa chống cấp trùng"), unique=True)
    issued_at = models.DateTimeField(_("cấp số lúc"), default=timezone.now)
    called_at = models.DateTimeField(_("gọi lúc"), null=True, blank=True)
    served_at = models.DateTimeField(_("bắt đầu phục vụ lúc"), null=True, blank=True)
    done_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("số lần gọi"), default=0)
    # The booked time of the appointment checked in as this ticket: once it has come, "call next" takes the
    # ticket before walk-ins (dossiers.services.counter.ticket_call_next).
    appointment_at = models.DateTimeField(_("giờ hẹn"), null=True, blank=True)
    # The last call or recall: orders the display (a recalled number comes back on top); waits use called_at.
    announced_at = models.DateTimeField(_("gọi gần nhất lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu số thứ tự")
        verbose_name_plural = _("phiếu số thứ tự")
        ordering = ["agency", "day", "number"]
        indexes = [
            # Call next: the waiting tickets of a centre's day in issue order.
            models.Index(fields=["agency", "day", "issued_at"], name="ticket_waiting_idx",
                         condition=Q(status="waiting")),
            models.Index(fields=["agency", "day", "called_at"], name="ticket_called_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "day", "number"], name="ticket_unique_number",
                                    violation_error_message=_("Số thứ tự đã được cấp trong ngày.")),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{self.number:03d}"


class TicketEvent(models.Model):
    """Audit trail of the queue: one row per ticket state change, append-only."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("phiếu"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20)
    to_status = models.CharField(_("sang trạng thái"), max_length=10)
    counter = models.ForeignKey(ServicePoint, verbose_name=_("quầy"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký phiếu số thứ tự")
        verbose_name_plural = _("nhật ký phiếu số thứ tự")
        ordering = ["ticket", "created_at", "id"]

    def __str__(self):
        return f"{self.ticket_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ticket events are append-only.")
        super().save(*args, **kwargs)


class DeskRating(models.Model):
    """Đánh giá tại quầy: the citizen's rating on the counter's tablet right after service, one per ticket.

    Tied to the ticket, and to the dossier taken in from it when there is one.
    """

    class Value(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
        SATISFIED = "satisfied", _("Hài lòng")
        UNSATISFIED = "unsatisfied", _("Không hài lòng")

    class Reason(models.TextChoices):
        WAIT = "wait", _("Chờ lâu")
        ATTITUDE = "attitude", _("Thái độ phục vụ")
        GUIDANCE = "guidance", _("Hướng dẫn chưa rõ")
        PAPERS = "papers", _("Yêu cầu thêm giấy tờ")

    ticket = models.OneToOneField(Ticket, verbose_name=_("phiếu"), on_delete=models.CASCADE, related_name="rating")
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="desk_ratings")
    counter = models.ForeignKey(ServicePoint, verbose_name=_("quầy"), on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("mức độ"), max_length=16, choices=Value.choices)
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá tại quầy")
        verbose_name_plural = _("đánh giá tại quầy")
        indexes = [models.Index(fields=["created_at"], name="desk_rating_created_idx")]

    def __str__(self):
        return f"{self.ticket_id}: {self.value}"
