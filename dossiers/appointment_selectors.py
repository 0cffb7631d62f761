"""Reads of appointments at the counter (issue 19 item 1): which centres take them, their slots, what is left.

Opening hours come from the working-day calendar (`procedures.selectors.working_calendar`): slots exist on
its working days only (weekends, public holidays and the days off an administrator entered have none; a
make-up working Saturday has them), from its opening to its closing time (OFFICE_OPENS..OFFICE_CLOSES),
every APPOINTMENT_SLOT_MINUTES, without the lunch break (OFFICE_LUNCH). A slot's capacity is the sum of
`appointments_per_slot` of the centre's open counters serving the slot's field.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from dossiers.appointments import Appointment, AppointmentSlot
from dossiers.counter import ServicePoint
from procedures.models import Agency
from procedures.selectors import working_calendar

HOLDING = [Appointment.State.BOOKED, Appointment.State.CHECKED_IN]  # states that take a place in a slot


def _hhmm(text):
    hour, minute = (int(part) for part in text.strip().split(":"))
    return time(hour, minute)


def _lunch():
    if not settings.OFFICE_LUNCH:
        return None
    start, end = settings.OFFICE_LUNCH.split("-")
    return _hhmm(start), _hhmm(end)


def slot_starts(day, calendar=None):
    """Start times (aware, local) of the slots of `day`; none on a rest day of the calendar."""
    calendar = calendar or working_calendar()
    if not calendar.is_working_day(day):
        return []
    step = timedelta(minutes=settings.APPOINTMENT_SLOT_MINUTES)
    tz = timezone.get_current_timezone()
    lunch = _lunch()
    at, closes = datetime.combine(day, calendar.opens, tz), datetime.combine(day, calendar.closes, tz)
    starts = []
    while at + step <= closes:
        if lunch is None or not (at.time() < lunch[1] and (at + step).time() > lunch[0]):
            starts.append(at)
        at += step
    return starts


def earliest_start():
    return timezone.now() + timedelta(minutes=settings.APPOINTMENT_NOTICE_MINUTES)


def bookable_days():
    """Working days from today to APPOINTMENT_DAYS_AHEAD days ahead that still have a slot far enough ahead."""
    calendar = working_calendar()
    today, earliest = timezone.localdate(), earliest_start()
    days = (today + timedelta(days=n) for n in range(settings.APPOINTMENT_DAYS_AHEAD + 1))
    return [day for day in days if any(start >= earliest for start in slot_starts(day, calendar))]


def _serving(procedure):
    """Open counters taking appointments that serve `procedure`: by name, by its field, or serving everything
    at an agency that handles it."""
    return ServicePoint.objects.filter(is_active=True, appointments_per_slot__gt=0).filter(
        Q(procedures=procedure)
        | Q(fields=procedure.field_id)
        | Q(fields__isnull=True, procedures__isnull=True, agency__in=procedure.agencies.all())
    )


def booking_centres(procedure):
    """Centres (agencies in force with counters) where `procedure` can be booked."""
    return Agency.objects.filter(is_active=True, pk__in=_serving(procedure).values("agency_id")).order_by(
        "name"
    )


def slot_capacity(*, agency, procedure):
    """Places per slot at `agency` for `procedure`'s field."""
    counters = ServicePoint.objects.filter(pk__in=_serving(procedure).filter(agency=agency).values("pk"))
    return counters.aggregate(n=Sum("appointments_per_slot"))["n"] or 0


def available_slots(*, agency, procedure, day):
    """[(start, places left)] of `day` at `agency` for `procedure`, from the earliest bookable time on."""
    capacity = slot_capacity(agency=agency, procedure=procedure)
    if not capacity:
        return []
    starts = [start for start in slot_starts(day) if start >= earliest_start()]
    taken = dict(
        AppointmentSlot.objects.filter(agency=agency, field_id=procedure.field_id, starts_at__in=starts)
        .annotate(n=Count("appointments", filter=Q(appointments__status__in=HOLDING)))
        .values_list("starts_at", "n")
    )
    return [(start, max(capacity - taken.get(start, 0), 0)) for start in starts]


def appointments_of(user):
    return (
        Appointment.objects.filter(applicant=user)
        .select_related("slot__agency", "procedure", "dossier")
        .order_by("-slot__starts_at")
    )


def appointment_for_citizen(*, user, public_id):
    """The user's own appointment (DoesNotExist for anyone else's, so pages answer 404)."""
    return appointments_of(user).get(public_id=public_id)


def appointments_to_remind(day):
    """Booked appointments of local `day` (the reminder goes out the day before)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tz)
    return Appointment.objects.filter(
        status=Appointment.State.BOOKED,
        slot__starts_at__gte=start,
        slot__starts_at__lt=start + timedelta(days=1),
    ).select_related("slot__agency", "procedure", "dossier", "applicant")


def appointments_of_day(*, agency, day, counter=None):
    """The appointments of local `day` at the centre `agency` (for `counter`'s fields and procedures only, if it
    names any), in time order, with their ticket: what the officer expects, who came and who did not."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tz)
    appointments = Appointment.objects.filter(
        slot__agency=agency, slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1),
    ).exclude(status=Appointment.State.CANCELLED)
    if counter is not None:
        fields, procedures = list(counter.fields.all()), list(counter.procedures.all())
        if fields or procedures:
            appointments = appointments.filter(Q(slot__field__in=fields) | Q(procedure__in=procedures))
    return appointments.select_related("slot", "procedure", "ticket").order_by("slot__starts_at", "id")
