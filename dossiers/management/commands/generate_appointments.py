"""Demo appointments at the counter (issue 19): the past ones served or missed, the coming ones booked.

    manage.py generate_appointments [--past-days 30] [--ahead-days 10] [--per-day 6] [--seed 19]

Run after `generate_tickets` (it books at the centres that have counters taking appointments). For each
working day of the last `--past-days`, about `--per-day` appointments per centre at slots of the working-day
calendar: most checked in — linked to a ticket of that day issued shortly before the slot, which then carries
the booked time — some missed (never checked in), a few cancelled. For the next `--ahead-days` working days,
booked appointments within each slot's capacity, the demo citizen (congdan@motcua.local) holding one. The
applicants are a few demo citizens (hen-N@motcua.local). Idempotent: a centre and day that already have
appointments are skipped.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dossiers import appointment_selectors
from dossiers.appointments import Appointment, AppointmentEvent, AppointmentSlot
from dossiers.counter import ServicePoint, Ticket
from procedures.models import Agency, Procedure
from procedures.selectors import working_calendar

APPLICANTS = 12


class Command(BaseCommand):
    help = "Tạo lịch hẹn mẫu tại quầy: đã đến, không đến (quá khứ) và đã đặt (sắp tới)."

    def add_arguments(self, parser):
        parser.add_argument("--past-days", type=int, default=30)
        parser.add_argument("--ahead-days", type=int, default=10)
        parser.add_argument("--per-day", type=int, default=6)
        parser.add_argument("--seed", type=int, default=19)

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        now, calendar = timezone.now(), working_calendar()
        today = timezone.localdate(now)
        past = [today - timedelta(days=n) for n in range(options["past_days"], -1, -1)]
        ahead = [today + timedelta(days=n) for n in range(1, options["ahead_days"] + 1)]
        days = [d for d in past + ahead if calendar.is_working_day(d)]
        applicants = self._applicants()
        centres = Agency.objects.filter(
            pk__in=ServicePoint.objects.filter(is_active=True, appointments_per_slot__gt=0).values("agency_id"))
        totals = dict.fromkeys(Appointment.State.values, 0)
        demo_booked = [Appointment.objects.filter(applicant__email="congdan@motcua.local",
                                                  status=Appointment.State.BOOKED).exists()]
        for centre in centres:
            procedures = [p for p in Procedure.objects.filter(agencies=centre, is_active=True).select_related("field")
                          if appointment_selectors.slot_capacity(agency=centre, procedure=p)]
            if not procedures:
                continue
            booked_days = set(Appointment.objects.filter(slot__agency=centre).values_list(
                "slot__starts_at__date", flat=True))
            holders = set(Appointment.objects.filter(status=Appointment.State.BOOKED).values_list(
                "applicant_id", "procedure_id"))
            for day in days:
                if day in booked_days:
                    continue
                starts = appointment_selectors.slot_starts(day, calendar)
                for starts_at in rng.sample(starts, min(options["per_day"], len(starts))):
                    procedure = rng.choice(procedures)
                    state = self._state(rng, starts_at, now)
                    choices = [a for a in applicants if state != Appointment.State.BOOKED
                               or (a.pk, procedure.pk) not in holders]
                    if not choices:
                        continue
                    # The demo citizen's first coming appointment, so their "Lịch hẹn của tôi" has one.
                    demo = [a for a in choices if a.email == "congdan@motcua.local"]
                    applicant = demo[0] if state == Appointment.State.BOOKED and demo and not demo_booked[0] \
                        else rng.choice(choices)
                    demo_booked[0] |= state == Appointment.State.BOOKED and applicant.email == "congdan@motcua.local"
                    if state == Appointment.State.BOOKED:
                        holders.add((applicant.pk, procedure.pk))
                    totals[self._make(rng, centre, procedure, applicant, starts_at, state)] += 1
        summary = ", ".join(f"{Appointment.State(state).label}: {n}" for state, n in totals.items())
        self.stdout.write(self.style.SUCCESS(f"Đã tạo lịch hẹn mẫu — {summary}."))

    def _applicants(self):
        User = get_user_model()
        citizens = list(User.objects.filter(email="congdan@motcua.local"))
        for n in range(1, APPLICANTS + 1):
            user, created = User.objects.get_or_create(
                # 0918…: the demo accounts of seed_demo and the sandbox people hold 0912… numbers.
                email=f"hen-{n}@motcua.local", defaults={"full_name": f"Công dân hẹn {n}", "phone": f"0918{n:06d}"})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            citizens.append(user)
        return citizens

    def _state(self, rng, starts_at, now):
        if starts_at > now:
            return Appointment.State.CANCELLED if rng.random() < 0.08 else Appointment.State.BOOKED
        draw = rng.random()
        if draw < 0.12:
            return Appointment.State.MISSED
        if draw < 0.18:
            return Appointment.State.CANCELLED
        if starts_at > now - timedelta(minutes=30):
            return Appointment.State.BOOKED  # its check-in window is still open
        return Appointment.State.CHECKED_IN

    def _make(self, rng, centre, procedure, applicant, starts_at, state):
        slot, _created = AppointmentSlot.objects.get_or_create(agency=centre, field=procedure.field,
                                                               starts_at=starts_at)
        booked_at = starts_at - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        appointment = Appointment.objects.create(applicant=applicant, slot=slot, procedure=procedure,
                                                 status=state, created_at=booked_at)
        events = [AppointmentEvent(appointment=appointment, action="book", slot=slot, actor=applicant,
                                   created_at=booked_at)]
        if state == Appointment.State.CHECKED_IN:
            ticket = self._ticket_near(centre, starts_at)
            if ticket is None:
                state = appointment.status = Appointment.State.MISSED
            else:
                Ticket.objects.filter(pk=ticket.pk).update(appointment_at=starts_at, procedure=procedure,
                                                           field=procedure.field)
                appointment.ticket, appointment.changed_at = ticket, ticket.issued_at
                events.append(AppointmentEvent(appointment=appointment, action="check_in", slot=slot,
                                               created_at=ticket.issued_at))
        if state == Appointment.State.MISSED:
            appointment.changed_at = starts_at + timedelta(minutes=35)
            events.append(AppointmentEvent(appointment=appointment, action="miss", slot=slot,
                                           created_at=appointment.changed_at))
        if state == Appointment.State.CANCELLED:
            appointment.changed_at = booked_at + timedelta(hours=rng.randint(1, 20))
            events.append(AppointmentEvent(appointment=appointment, action="cancel", slot=slot, actor=applicant,
                                           created_at=appointment.changed_at))
        appointment.save(update_fields=["status", "ticket", "changed_at"])
        AppointmentEvent.objects.bulk_create(events)
        return state

    def _ticket_near(self, centre, starts_at):
        """A ticket of that day issued in the hour before the slot, not yet an appointment's."""
        return (Ticket.objects.filter(agency=centre, day=timezone.localdate(starts_at), appointment__isnull=True,
                                      issued_at__gte=starts_at - timedelta(minutes=60), issued_at__lte=starts_at)
                .order_by("-issued_at").first())
