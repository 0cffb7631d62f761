"""Demo data: realistic dossiers for the demo province over past months, through bulk inserts.

    manage.py generate_dossiers --months 24 --per-month 2000 [--seed 7]

Needs agencies and procedures (seed_demo / the catalogue import). For each month, agencies in force
that month receive dossiers for their procedures: the online share depends on the agency's level and
rises over the period (only for procedures offering an online service; some online dossiers are
entered by an officer on the citizen's behalf — assisted); processing times follow the procedure's
committed working days with the province calendar; most dossiers are returned, some late, some
supplemented, some withdrawn, recent ones still open; fees, online payments, documents (some paper,
some reused from the wallet) and ratings. Each dossier gets the audit trail the lifecycle would have
written (`dossiers.lifecycle.TRANSITIONS`): `submit` (by the applicant online, by the desk officer at the
counter), `receive` by a named desk officer of the receiving agency, a `transfer` (liên thông) to
another agency for some, then `return_result` or `withdraw` — so the plan panel's reception productivity
per desk officer and electronic routing have data (`reports.plan`). An agency's desk officers are its
existing ones plus, up to a few per level, generated accounts that cannot log in
(`tiepnhan<N>.<agency code>@demo.motcua.local`). Dossier codes follow `{agency}-{yyMMdd}-{NNNN}` and the
per-agency-and-day sequences are moved past them, so live intake never reuses a code. Not idempotent:
each run adds dossiers. Run the statistics afterwards (`manage.py compute_statistics`).
"""

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from dossiers.lifecycle import TRANSITIONS, Action
from dossiers.models import (
    AgencyMembership,
    Channel,
    Document,
    Dossier,
    DossierEvent,
    DossierSequence,
    Rating,
    Role,
    Status,
    User,
)
from procedures.models import Agency, Level, OnlineMode
from procedures.selectors import working_calendar

ONLINE_SHARE = {Level.PROVINCE: (0.40, 0.75), Level.DISTRICT: (0.25, 0.55), Level.COMMUNE: (0.10, 0.40)}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Quang"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Sơn",
         "Tâm", "Thảo", "Trang", "Tuấn", "Vy"]
BATCH = 2000
# Desk officers per agency (the existing ones count): a commune centre has one or two, a department more.
DESK_OFFICERS = {Level.PROVINCE: 3, Level.DISTRICT: 3, Level.COMMUNE: 2}
TRANSFER_SHARE = 0.06  # dossiers sent on to another agency (liên thông), e.g. a commune to the district


class Command(BaseCommand):
    help = "Tạo hồ sơ mẫu (bulk insert) cho các tháng đã qua để thống kê có số liệu."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--per-month", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        months, per_month = options["months"], options["per_month"]
        if months < 1 or per_month < 1:
            raise CommandError("--months và --per-month phải lớn hơn 0.")
        rng = random.Random(options["seed"])
        calendar = working_calendar()
        today = timezone.localdate()
        agencies = list(Agency.objects.filter(is_active=True, procedures__isnull=False).distinct()
                        .prefetch_related("procedures__fees", "procedures__documents"))
        if not agencies:
            raise CommandError("Chưa có cơ quan và thủ tục: chạy seed_demo (hoặc nạp danh mục) trước.")
        # The window ends this month, or — when the loaded structure has ended (e.g. only the
        # pre-July-2025 agencies are loaded) — with the last month any agency was in force.
        if all(a.valid_until is not None and a.valid_until < today for a in agencies):
            today = max(a.valid_until for a in agencies)
        firsts = [today.replace(day=1)]
        for _i in range(months - 1):
            firsts.insert(0, (firsts[0] - timedelta(days=1)).replace(day=1))
        sequences = defaultdict(int)
        for agency_id, day, last in DossierSequence.objects.filter(
            agency__in=agencies, day__gte=firsts[0]
        ).values_list("agency_id", "day", "last"):
            sequences[(agency_id, day)] = last
        started = timezone.now()
        self.desks = self._desk_officers(rng, agencies)
        total = 0
        for index, first in enumerate(firsts):
            in_force = [a for a in agencies if (a.valid_from is None or a.valid_from <= first)
                        and (a.valid_until is None or a.valid_until >= first)]
            if not in_force:
                continue
            progress = index / max(len(firsts) - 1, 1)
            rows = [self._dossier(rng, calendar, today, first, rng.choice(in_force), progress, sequences)
                    for _i in range(per_month)]
            rows = [r for r in rows if r is not None]
            for dossier in rows:
                dossier._generated_events = self._events(rng, dossier, in_force)
            self._insert(rng, rows)
            total += len(rows)
            self.stdout.write(f"{first:%m/%Y}: {len(rows)} hồ sơ")
        self._save_sequences(sequences)
        self._backdate(started)
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {total} hồ sơ trong {len(firsts)} tháng."))

    # --- one dossier ------------------------------------------------------------------------------
    def _dossier(self, rng, calendar, today, first, agency, progress, sequences):
        procedures = [p for p in agency.procedures.all() if p.is_active]
        if not procedures:
            return None
        procedure = rng.choice(procedures)
        last_day = min((first + timedelta(days=32)).replace(day=1) - timedelta(days=1), today)
        day = first + timedelta(days=rng.randrange((last_day - first).days + 1))
        if not calendar.is_working_day(day):
            day = calendar.next_working_day(day)
            if day > last_day:
                return None
        received_at = datetime.combine(day, time(rng.randint(7, 16), rng.randrange(60)),
                                       timezone.get_current_timezone())
        low, high = ONLINE_SHARE.get(agency.level, (0.2, 0.5))
        online = procedure.online_mode != OnlineMode.NONE and rng.random() < low + (high - low) * progress
        channel = Channel.ONLINE if online else (Channel.POSTAL if rng.random() < 0.05 else Channel.COUNTER)
        assisted = online and rng.random() < 0.15
        days = procedure.days_for(online=online)
        due_date = calendar.due_date(received_at, days).due_date
        supplemented = rng.random() < 0.08
        paused_days = rng.randint(2, 10) if supplemented else 0
        if supplemented:
            due_date = calendar.add_working_days(due_date, paused_days)
        fee = sum(f.amount for f in procedure.fees.all() if not (online and f.waived_online))
        dossier = Dossier(
            procedure=procedure, receiving_agency=agency, handling_agency=agency, channel=channel,
            assisted=assisted, online_mode=procedure.online_mode if online else "",
            applicant_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            applicant_phone=f"09{rng.randrange(10**8):08d}", submitted_at=received_at if online else None,
            received_at=received_at, clock_started_at=received_at, processing_days=days, due_date=due_date,
            paused_days=paused_days, fee_amount=fee,
        )
        self._outcome(rng, calendar, today, dossier, online, supplemented)
        if fee and dossier.status in (Status.RETURNED, Status.PROCESSED, Status.PROCESSING):
            dossier.fee_paid_at = received_at + timedelta(hours=rng.randint(1, 48))
            dossier.fee_paid_online = online and rng.random() < 0.7
        key = (agency.pk, day)
        sequences[key] += 1
        dossier.code = f"{agency.code}-{day:%y%m%d}-{sequences[key]:04d}"
        dossier._generated_documents = self._documents(rng, procedure, online)
        return dossier

    def _outcome(self, rng, calendar, today, dossier, online, supplemented):
        received_day = timezone.localtime(dossier.received_at).date()
        roll = rng.random()
        if roll < 0.03:
            dossier.status = Status.WITHDRAWN
            dossier.closed_at = dossier.received_at + timedelta(days=rng.randint(1, 5))
            return
        # Most finish a few working days early; ~9% late (more at the counter than online).
        late = rng.random() < (0.06 if online else 0.12)
        total = calendar.working_days_between(received_day, dossier.due_date)
        finish = (calendar.add_working_days(dossier.due_date, rng.randint(1, 6)) if late
                  else calendar.add_working_days(received_day, rng.randint(max(total // 3, 0), max(total, 0))))
        returned_at = datetime.combine(finish, time(rng.randint(8, 16), rng.randrange(60)),
                                       timezone.get_current_timezone())
        if finish >= today:
            in_supplement = supplemented and rng.random() < 0.5
            dossier.status = Status.SUPPLEMENT_REQUESTED if in_supplement else Status.PROCESSING
            if in_supplement:
                dossier.clock_paused_at = dossier.received_at + timedelta(days=2)
            return
        dossier.status = Status.RETURNED
        dossier.completed_at = returned_at - timedelta(hours=rng.randint(1, 20))
        dossier.returned_at = dossier.closed_at = returned_at
        if late:
            dossier.late_letter_at = datetime.combine(dossier.due_date, time(16), timezone.get_current_timezone())
            dossier.new_due_date = finish
        if rng.random() < 0.4:
            value = rng.choices(["satisfied", "normal", "unsatisfied"], weights=[85 if not late else 55, 10, 5])[0]
            dossier._generated_rating = value

    # --- the audit trail ----------------------------------------------------------------------------
    def _desk_officers(self, rng, agencies):
        """{agency id: [desk officer ids]}: the agency's own, topped up with generated accounts."""
        existing = defaultdict(list)
        for agency_id, user_id in AgencyMembership.objects.filter(
                agency__in=agencies, role=Role.DESK_OFFICER).values_list("agency_id", "user_id").order_by("user_id"):
            existing[agency_id].append(user_id)
        wanted = {a.pk: max(DESK_OFFICERS.get(a.level, 2) - len(existing[a.pk]), 0) for a in agencies}
        emails = {f"tiepnhan{i}.{a.code.lower()}@demo.motcua.local": a for a in agencies
                  for i in range(1, wanted[a.pk] + 1)}
        have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create([
            User(email=email, password=make_password(None), is_active=True,
                 full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
            for email in emails if email not in have], batch_size=BATCH)
        users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        AgencyMembership.objects.bulk_create(
            [AgencyMembership(user_id=users[email], agency=agency, role=Role.DESK_OFFICER)
             for email, agency in emails.items()], batch_size=BATCH, ignore_conflicts=True)
        for email, agency in emails.items():
            existing[agency.pk].append(users[email])
        return existing

    def _events(self, rng, dossier, in_force):
        """(action, from, to, actor id, agency id, at, data, comment) the lifecycle would have written."""
        agency = dossier.receiving_agency
        officers = self.desks.get(agency.pk) or [None]
        # Officers do not share the desk evenly: the first takes most, as at a real centre.
        desk = rng.choices(officers, weights=[len(officers) - i + 1 for i in range(len(officers))])[0]
        received = dossier.received_at
        events = []
        if dossier.channel == Channel.ONLINE:
            submitted_by = desk if dossier.assisted else None
            events.append(("submit", Status.DRAFT, Status.SUBMITTED, submitted_by, agency.pk,
                           dossier.submitted_at, {}, ""))
        else:
            events.append(("submit", Status.DRAFT, Status.SUBMITTED, desk, agency.pk, received, {}, ""))
        events.append(("receive", Status.SUBMITTED, Status.RECEIVED, desk, agency.pk, received, {}, ""))
        if dossier.status == Status.WITHDRAWN:
            events.append(("withdraw", Status.RECEIVED, Status.WITHDRAWN, None, agency.pk, dossier.closed_at, {},
                           "Người nộp rút hồ sơ."))
            return events
        others = [a for a in in_force if a.pk != agency.pk and self._may_take(agency, a)]
        if others and rng.random() < TRANSFER_SHARE:
            to = rng.choice(others)
            end = dossier.completed_at or min(received + timedelta(days=3), timezone.now())
            at = received + (end - received) * rng.uniform(0.05, 0.4)
            events.append(("transfer", Status.RECEIVED, Status.PROCESSING, desk, agency.pk, at,
                           {"from_agency": agency.pk, "to_agency": to.pk},
                           f"Chuyển liên thông đến {to.name}."))
            dossier.handling_agency = to
        if dossier.status == Status.RETURNED:
            handler = dossier.handling_agency
            returner = rng.choice(self.desks.get(handler.pk) or [None])
            events.append(("return_result", Status.PROCESSED, Status.RETURNED, returner, handler.pk,
                           dossier.returned_at, {}, ""))
        return events

    @staticmethod
    def _may_take(sender, receiver):
        """Liên thông goes up or across: a commune to its district or a department, a district to a department."""
        order = {Level.COMMUNE: 0, Level.DISTRICT: 1, Level.PROVINCE: 2}
        return order.get(receiver.level, 0) > order.get(sender.level, 0)

    def _documents(self, rng, procedure, online):
        required = list(procedure.documents.all()) or [None]
        sources = []
        for document in required[: rng.randint(1, max(len(required), 1))]:
            if document is not None and document.reusable and rng.random() < (0.5 if online else 0.2):
                sources.append((document, "reused"))
            elif online:
                sources.append((document, "uploaded"))
            else:
                sources.append((document, "scanned" if rng.random() < 0.8 else "paper"))
        return sources

    # --- writing ----------------------------------------------------------------------------------
    @transaction.atomic
    def _insert(self, rng, rows):
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            Dossier.objects.bulk_create(batch, batch_size=BATCH)
            documents, ratings, events = [], [], []
            for dossier in batch:
                events.extend(DossierEvent(
                    dossier=dossier, action=action, from_status=before, to_status=after, actor_id=actor,
                    agency_id=agency, created_at=at, data=data, comment=comment,
                    comment_audience=TRANSITIONS[Action(action)].comment_to)
                    for action, before, after, actor, agency, at, data, comment in dossier._generated_events)
                for required, source in dossier._generated_documents:
                    documents.append(Document(
                        dossier=dossier, required_document=required, source=source,
                        name=required.name if required else "Đơn đề nghị", original_name="giay-to.pdf",
                        content_type="application/pdf", size=rng.randint(50_000, 900_000),
                    ))
                if getattr(dossier, "_generated_rating", None):
                    ratings.append(Rating(dossier=dossier, value=dossier._generated_rating))
            Document.objects.bulk_create(documents, batch_size=BATCH)
            Rating.objects.bulk_create(ratings, batch_size=BATCH)
            DossierEvent.objects.bulk_create(events, batch_size=BATCH)

    def _save_sequences(self, sequences):
        rows = [DossierSequence(agency_id=agency_id, day=day, last=last)
                for (agency_id, day), last in sequences.items()]
        DossierSequence.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True,
                                            unique_fields=["agency", "day"], update_fields=["last"])

    def _backdate(self, started):
        """auto_now_add stamped "now": move creation times to when the events happened."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE dossiers_dossier SET created_at = received_at, updated_at = coalesce(closed_at, received_at)"
                " WHERE created_at >= %s AND received_at IS NOT NULL", [started])
            cursor.execute(
                "UPDATE dossiers_document doc SET created_at = d.received_at FROM dossiers_dossier d"
                " WHERE doc.dossier_id = d.id AND doc.created_at >= %s", [started])
            cursor.execute(
                "UPDATE dossiers_rating r SET created_at = d.returned_at + interval '6 hours'"
                " FROM dossiers_dossier d WHERE r.dossier_id = d.id AND r.created_at >= %s", [started])
