"""Appointments at the counter (issue 19 item 1): book, move, cancel, check in at the kiosk, remind.

No double booking, under any concurrency, by two rules PostgreSQL keeps:
- a booking (or a move) locks the slot's row (`AppointmentSlot`, created on first use by an upsert), counts
  the places taken and refuses beyond capacity, so the last place goes to one citizen only;
- one citizen holds at most one booked appointment per procedure (`appointment_one_booked_per_procedure`,
  a partial unique index), so a double submit books once.
Every change writes an `AppointmentEvent` in the same transaction.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import appointment_selectors as selectors
from dossiers.appointments import Appointment, AppointmentEvent, AppointmentSlot
from dossiers.lifecycle import LifecycleError
from dossiers.models import OutboxMessage
from dossiers.notifications import queue_messages
from dossiers.services.counter import ticket_issue

__all__ = [
    "AppointmentError",
    "appointment_book",
    "appointment_move",
    "appointment_cancel",
    "appointment_check_in",
    "appointments_remind",
    "appointments_mark_missed",
    "CHECK_IN_EARLY",
    "CHECK_IN_LATE",
]

# The kiosk checks an appointment in from an hour before its time to 30 minutes after it; later, the
# citizen takes an ordinary ticket (the place is not held for ever).
CHECK_IN_EARLY = timedelta(minutes=60)
CHECK_IN_LATE = timedelta(minutes=30)


class AppointmentError(LifecycleError):
    """A booking, move, cancellation or check-in that cannot be done; `message` says why (translated)."""


def _record(appointment, action, actor=None):
    AppointmentEvent.objects.create(
        appointment=appointment, action=action, slot_id=appointment.slot_id, actor=actor
    )


def _locked_slot(*, agency, procedure, starts_at):
    """The slot's row, locked until commit, after checking the time is one of the centre's bookable slots."""
    local = timezone.localtime(starts_at)
    if local not in selectors.slot_starts(local.date()) or local.date() not in selectors.bookable_days():
        raise AppointmentError(_("Giờ hẹn này không có trong lịch làm việc của trung tâm."))
    if starts_at < selectors.earliest_start():
        raise AppointmentError(_("Giờ hẹn này đã qua hoặc quá gần; hãy chọn giờ khác."))
    capacity = selectors.slot_capacity(agency=agency, procedure=procedure)
    if not capacity:
        raise AppointmentError(_("Trung tâm này không nhận lịch hẹn cho thủ tục này."))
    AppointmentSlot.objects.bulk_create(
        [AppointmentSlot(agency=agency, field_id=procedure.field_id, starts_at=starts_at)],
        ignore_conflicts=True,
    )
    slot = AppointmentSlot.objects.select_for_update().get(
        agency=agency, field_id=procedure.field_id, starts_at=starts_at
    )
    if slot.appointments.filter(status__in=selectors.HOLDING).count() >= capacity:
        raise AppointmentError(_("Khung giờ này vừa hết chỗ; hãy chọn giờ khác."))
    return slot


def appointment_book(*, applicant, agency, procedure, starts_at, dossier=None):
    """Book `starts_at` at `agency` for `procedure` (and the applicant's own `dossier`, to bring its originals).

    Raises AppointmentError when the time is not a slot, is full, or the citizen already holds a booking
    for this procedure.
    """
    if dossier is not None and (dossier.applicant_id != applicant.pk or dossier.procedure_id != procedure.pk):
        raise AppointmentError(_("Hồ sơ không thuộc thủ tục này."))
    try:
        with transaction.atomic():
            slot = _locked_slot(agency=agency, procedure=procedure, starts_at=starts_at)
            appointment = Appointment.objects.create(
                applicant=applicant, slot=slot, procedure=procedure, dossier=dossier
            )
            _record(appointment, "book", applicant)
    except IntegrityError as exc:
        if Appointment.objects.filter(
            applicant=applicant, procedure=procedure, status=Appointment.State.BOOKED
        ).exists():
            raise AppointmentError(
                _("Ông/Bà đã có lịch hẹn cho thủ tục này; hãy đổi giờ thay vì đặt thêm.")
            ) from exc
        raise
    return appointment


def _locked_own(appointment, actor):
    locked = Appointment.objects.select_for_update(of=("self",)).select_related("slot").get(pk=appointment.pk)
    if locked.applicant_id != actor.pk:
        raise AppointmentError(_("Không tìm thấy lịch hẹn."))
    if locked.status != Appointment.State.BOOKED or locked.slot.starts_at <= timezone.now():
        raise AppointmentError(_("Lịch hẹn đã qua, đã dùng hoặc đã hủy nên không thay đổi được."))
    return locked


@transaction.atomic
def appointment_move(*, appointment, actor, starts_at):
    """Move a booked appointment to another time of the same centre (the new slot must have a place)."""
    appointment = _locked_own(appointment, actor)
    if appointment.slot.starts_at == starts_at:
        raise AppointmentError(_("Đây là giờ hẹn hiện tại; hãy chọn giờ khác."))
    slot = _locked_slot(agency=appointment.slot.agency, procedure=appointment.procedure, starts_at=starts_at)
    appointment.slot, appointment.changed_at = slot, timezone.now()
    appointment.save(update_fields=["slot", "changed_at"])
    _record(appointment, "move", actor)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment, actor):
    """Cancel a booked appointment; its place is free at once."""
    appointment = _locked_own(appointment, actor)
    appointment.status, appointment.changed_at = Appointment.State.CANCELLED, timezone.now()
    appointment.save(update_fields=["status", "changed_at"])
    _record(appointment, "cancel", actor)
    return appointment


def normalize_code(text):
    """The appointment code from what the kiosk's scanner or keyboard gave: the code itself, with spaces or
    dashes, lower case, or the whole URL in the QR code (its last path segment)."""
    text = (text or "").strip().rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())


@transaction.atomic
def appointment_check_in(*, agency, code, key):
    """Check an appointment in at the kiosk of `agency`: issue its ticket, called first once its time comes.

    Idempotent: a second check-in (a re-tap after a lost answer) returns the ticket already issued.
    """
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "procedure")
        .filter(code=normalize_code(code), slot__agency=agency)
        .first()
    )
    if appointment is None:
        raise AppointmentError(_("Không tìm thấy lịch hẹn với mã này tại trung tâm."))
    if appointment.status == Appointment.State.CHECKED_IN and appointment.ticket_id:
        return appointment.ticket
    if appointment.status == Appointment.State.MISSED:
        raise AppointmentError(_("Đã quá giờ hẹn hơn 30 phút. Mời Ông/Bà lấy số thứ tự thông thường."))
    if appointment.status != Appointment.State.BOOKED:
        raise AppointmentError(_("Lịch hẹn này đã hủy."))
    now, starts_at = timezone.now(), appointment.slot.starts_at
    if now < starts_at - CHECK_IN_EARLY:
        raise AppointmentError(
            _("Lịch hẹn của Ông/Bà lúc %(when)s. Mời quay lại từ %(from)s để lấy số.")
            % {
                "when": timezone.localtime(starts_at).strftime("%H:%M %d/%m/%Y"),
                "from": timezone.localtime(starts_at - CHECK_IN_EARLY).strftime("%H:%M"),
            }
        )
    if now > starts_at + CHECK_IN_LATE:
        raise AppointmentError(_("Đã quá giờ hẹn hơn 30 phút. Mời Ông/Bà lấy số thứ tự thông thường."))
    ticket = ticket_issue(
        agency=agency,
        key=key,
        field=appointment.procedure.field,
        procedure=appointment.procedure,
        appointment_at=starts_at,
    )
    appointment.status, appointment.ticket, appointment.changed_at = Appointment.State.CHECKED_IN, ticket, now
    appointment.save(update_fields=["status", "ticket", "changed_at"])
    _record(appointment, "check_in")
    return ticket


def _reminder_payload(appointment):
    local = timezone.localtime(appointment.slot.starts_at)
    return {
        "code": appointment.code,
        "when": local.strftime("%H:%M %d/%m/%Y"),
        "agency_name": appointment.slot.agency.name,
        "procedure_name": appointment.procedure.name,
        "dossier_code": appointment.dossier.code if appointment.dossier and appointment.dossier.code else "",
        "with_dossier": appointment.dossier_id is not None,
        "path": f"/lich-hen/{appointment.public_id}/",
    }


def appointments_remind(*, today=None):
    """Queue an e-mail and an SMS the day before each booked appointment of tomorrow (local days).

    Idempotent: one outbox key per (appointment, slot, channel), so running it every hour sends each reminder
    once, and a moved appointment (new slot) is reminded of its new time. Returns the messages queued.
    """
    today = today or timezone.localdate()
    messages = []
    for appointment in selectors.appointments_to_remind(today + timedelta(days=1)):
        payload = _reminder_payload(appointment)
        base = f"appointment:{appointment.pk}:{appointment.slot_id}:remind"
        if appointment.applicant.email:
            messages.append(
                OutboxMessage(
                    key=f"{base}:email",
                    kind="appointment",
                    payload={**payload, "to": appointment.applicant.email},
                )
            )
        if appointment.applicant.phone:
            messages.append(
                OutboxMessage(
                    key=f"{base}:sms",
                    kind="appointment_sms",
                    payload={**payload, "to": appointment.applicant.phone},
                )
            )
    with transaction.atomic():
        existing = set(
            OutboxMessage.objects.filter(key__in=[m.key for m in messages]).values_list("key", flat=True)
        )
        fresh = [m for m in messages if m.key not in existing]
        queue_messages(fresh)
    return len(fresh)


def appointments_mark_missed(*, now=None):
    """Mark "missed" every booked appointment whose check-in window (CHECK_IN_LATE after its time) has
    passed without a check-in; the citizen and the counter see it so, and the citizen may book again
    (the one-booking-per-procedure rule holds booked appointments only).

    Idempotent and safe beside a check-in: the rows are locked with SKIP LOCKED, and a row a kiosk holds
    is left for the next run (it is being checked in, or will still be late then). Returns how many.
    """
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Appointment.State.BOOKED, slot__starts_at__lt=now - CHECK_IN_LATE)
            .order_by("pk")
        )
        for appointment in late:
            appointment.status, appointment.changed_at = Appointment.State.MISSED, now
        Appointment.objects.bulk_update(late, ["status", "changed_at"])
        AppointmentEvent.objects.bulk_create(
            [AppointmentEvent(appointment=a, action="miss", slot_id=a.slot_id, created_at=now) for a in late]
        )
    return len(late)
