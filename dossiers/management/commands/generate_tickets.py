"""Demo data for the counter (issue 19): service points and a month of queue tickets, through bulk inserts.

    manage.py generate_tickets [--days 30] [--centres 6] [--per-day 40] [--seed 19]

For up to `--centres` district and commune agencies with procedures, makes two counters (the first serves
the first half of the centre's fields, the second everything) unless the centre has counters already,
then for each working day of the last `--days` issues tickets between 7:30 and 16:30 local time: a wait
that grows with the morning rush, a few no-shows, a service time of 3-20 minutes, each called at one of
the centre's counters by one of its desk officers. Today's tickets stop at the current time and the last
ones are left waiting. The (centre, day) sequences are moved past the numbers, so the kiosk continues
after them. Counter dossiers received at the centre those days are linked to finished tickets with a `receive`
event by the ticket's officer (reception productivity). A second run adds tickets only for days without any.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dossiers.counter import ServicePoint, Ticket, TicketSequence
from dossiers.models import Channel, Dossier, DossierEvent, Role, Status
from procedures.models import Agency, Field, Level
from procedures.selectors import working_calendar


class Command(BaseCommand):
    help = "Tạo quầy và phiếu số thứ tự mẫu cho một tháng để số liệu quầy có dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--centres", type=int, default=6)
        parser.add_argument("--per-day", type=int, default=40)
        parser.add_argument("--seed", type=int, default=19)

    @transaction.atomic
    def handle(self, *args, **options):
        if min(options["days"], options["centres"], options["per_day"]) < 1:
            raise CommandError("--days, --centres và --per-day phải lớn hơn 0.")
        rng = random.Random(options["seed"])
        centres = list(Agency.objects.filter(is_active=True, level__in=[Level.DISTRICT, Level.COMMUNE],
                                             procedures__isnull=False).distinct()[: options["centres"]])
        if not centres:
            raise CommandError("Chưa có cơ quan cấp huyện/xã có thủ tục: chạy seed_demo trước.")
        calendar, now = working_calendar(), timezone.now()
        today = timezone.localdate(now)
        days = [today - timedelta(days=n) for n in range(options["days"] - 1, -1, -1)]
        days = [d for d in days if calendar.is_working_day(d)]
        total = 0
        for centre in centres:
            counters = self._counters(centre)
            officers = list(centre.memberships.filter(role=Role.DESK_OFFICER).values_list("user_id", flat=True))
            fields = list(Field.objects.filter(procedures__agencies=centre).distinct())
            taken = set(Ticket.objects.filter(agency=centre, day__in=days).values_list("day", flat=True))
            rows = []
            for day in days:
                if day not in taken:
                    rows += self._day(rng, centre, day, counters, officers, fields, now, options["per_day"])
            Ticket.objects.bulk_create(rows, batch_size=2000)
            for day in {r.day for r in rows}:
                last = max(r.number for r in rows if r.day == day)
                TicketSequence.objects.update_or_create(agency=centre, day=day, defaults={"last": last})
            total += len(rows)
            receipts = self._receipts(centre, sorted({r.day for r in rows}))
            self.stdout.write(f"{centre.name}: {len(rows)} phiếu, {len(counters)} quầy, {receipts} hồ sơ tiếp nhận")
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {total} phiếu số thứ tự."))

    def _receipts(self, centre, days):
        """Counter dossiers received at the centre on the seeded days, each taken in from a finished ticket of
        its day: the ticket is linked to it and a `receive` event names the ticket's officer (what reception
        productivity counts). Dossiers that already have a `receive` event are left alone."""
        linked = 0
        for day in days:
            tickets = list(Ticket.objects.filter(agency=centre, day=day, status=Ticket.State.DONE, dossier__isnull=True,
                                                 officer__isnull=False).order_by("called_at"))
            if not tickets:
                continue
            dossiers = list(Dossier.objects.filter(receiving_agency=centre, channel=Channel.COUNTER,
                                                   received_at__date=day).exclude(events__action="receive")
                            .order_by("received_at")[: len(tickets)])
            pairs = list(zip(tickets, dossiers, strict=False))
            for ticket, dossier in pairs:
                ticket.dossier = dossier
            Ticket.objects.bulk_update([t for t, _d in pairs], ["dossier"])
            DossierEvent.objects.bulk_create([
                DossierEvent(dossier=dossier, action="receive", from_status=Status.SUBMITTED,
                             to_status=Status.RECEIVED, actor_id=ticket.officer_id, agency=centre,
                             created_at=dossier.received_at)
                for ticket, dossier in pairs])
            linked += len(pairs)
        return linked

    def _counters(self, centre):
        existing = list(ServicePoint.objects.filter(agency=centre, is_active=True))
        if existing:
            return existing
        fields = list(Field.objects.filter(procedures__agencies=centre).distinct().order_by("code"))
        first = ServicePoint.objects.create(agency=centre, number=1, name="Quầy 1")
        first.fields.set(fields[: max(len(fields) // 2, 1)])
        return [first, ServicePoint.objects.create(agency=centre, number=2, name="Quầy 2")]

    def _day(self, rng, centre, day, counters, officers, fields, now, per_day):
        tz = timezone.get_current_timezone()
        opening = datetime.combine(day, time(7, 30), tzinfo=tz)
        rows, free_at = [], {c.pk: opening for c in counters}
        count = max(1, int(rng.gauss(per_day, per_day / 5)))
        arrivals = sorted(opening + timedelta(minutes=rng.triangular(0, 540, 90)) for _ in range(count))
        for number, issued in enumerate(arrivals, start=1):
            if issued > now:
                break
            counter = min(counters, key=lambda c: free_at[c.pk])
            called = max(issued + timedelta(seconds=rng.randint(20, 120)), free_at[counter.pk])
            row = Ticket(agency=centre, day=day, number=number, field=rng.choice(fields) if fields else None,
                         idempotency_key=uuid.uuid4(), issued_at=issued)
            if called > now:
                rows.append(row)  # still waiting
                continue
            row.counter, row.called_at, row.announced_at, row.calls = counter, called, called, 1
            row.officer_id = rng.choice(officers) if officers else None
            if rng.random() < 0.05:
                row.status, row.done_at = Ticket.State.NO_SHOW, called + timedelta(minutes=2)
            else:
                row.served_at = called + timedelta(seconds=30)
                row.done_at = called + timedelta(minutes=rng.uniform(3, 20))
                row.status = Ticket.State.DONE if row.done_at <= now else Ticket.State.SERVING
                if row.status == Ticket.State.SERVING:
                    row.done_at = None
            free_at[counter.pk] = row.done_at or now
            rows.append(row)
        return rows
