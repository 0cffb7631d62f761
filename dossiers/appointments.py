"""Appointments at the counter (lịch hẹn, issue 19 item 1): a citizen books a time at a centre for a service.

Imported by dossiers.models, so these are models of the `dossiers` app. A slot is one time of one day at
one centre for one field (lĩnh vực) — the unit the kiosk and the counters already queue by. Its capacity is
not stored: it is the sum of `ServicePoint.appointments_per_slot` of the centre's open counters serving that
field, read when booking. The `AppointmentSlot` row exists to be locked: a booking locks it, counts the
slot's booked appointments and refuses beyond capacity, so two citizens racing for the last place never
both get it (dossiers.services.appointments).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Field, Procedure

# Check-in codes: no 0/O, 1/I/L, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def appointment_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class AppointmentSlot(models.Model):
    """Khung giờ hẹn: one start time at one centre for one field; the row a booking locks."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, trung tâm"), on_delete=models.CASCADE, related_name="+"
    )
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("bắt đầu lúc"))

    class Meta:
        verbose_name = _("khung giờ hẹn")
        verbose_name_plural = _("khung giờ hẹn")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "field", "starts_at"],
                name="appointment_slot_unique",
                violation_error_message=_("Khung giờ này đã có."),
            ),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.field_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    """Lịch hẹn: a citizen's booked time at a centre, for a procedure, optionally to bring a draft
    dossier's originals ("mang bản gốc đến"). Checked in at the kiosk by its code or QR, it becomes a
    ticket that is called first once its time has come."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Đã đặt")
        CHECKED_IN = "checked_in", _("Đã đến, đã lấy số")
        CANCELLED = "cancelled", _("Đã hủy")
        # Not checked in by the end of its check-in window (dossiers.services.appointments.appointments_mark_missed).
        MISSED = "missed", _("Không đến (quá giờ hẹn)")

    public_id = models.UUIDField(_("mã tham chiếu"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã lịch hẹn"), max_length=CODE_LENGTH, unique=True, default=appointment_code)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đặt"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    slot = models.ForeignKey(
        AppointmentSlot, verbose_name=_("khung giờ"), on_delete=models.PROTECT, related_name="appointments"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    status = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.BOOKED)
    ticket = models.OneToOneField(
        "dossiers.Ticket",
        verbose_name=_("phiếu số thứ tự"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment",
    )
    created_at = models.DateTimeField(_("đặt lúc"), default=timezone.now)
    changed_at = models.DateTimeField(_("thay đổi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")
        ordering = ["slot__starts_at", "id"]
        indexes = [models.Index(fields=["slot", "status"], name="appointment_slot_status_idx")]
        constraints = [
            # No double booking by one citizen: one booked time per procedure (move it instead).
            models.UniqueConstraint(
                fields=["applicant", "procedure"],
                condition=Q(status="booked"),
                name="appointment_one_booked_per_procedure",
                violation_error_message=_("Ông/Bà đã có lịch hẹn cho thủ tục này."),
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def starts_at(self):
        return self.slot.starts_at


class AppointmentEvent(models.Model):
    """Audit trail of appointments: book, move, cancel, check_in, miss; append-only."""

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("lịch hẹn"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("thao tác"), max_length=20)
    slot = models.ForeignKey(
        AppointmentSlot, verbose_name=_("khung giờ"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký lịch hẹn")
        verbose_name_plural = _("nhật ký lịch hẹn")
        ordering = ["appointment", "created_at", "id"]

    def __str__(self):
        return f"{self.appointment_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Appointment events are append-only.")
        super().save(*args, **kwargs)
