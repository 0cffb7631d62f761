"""Writes of the reports app: computing a month's statistics, targets, publication, monthly report.

Definitions (DESIGN.md "Monthly statistics"; the choices where DESIGN leaves room are stated here and
in the API docs). A month is a calendar month in Asia/Ho_Chi_Minh; every dossier is attributed to its
RECEIVING agency, so a dossier transferred between agencies (liên thông) is counted once.

* received            received_at in the month (whatever happened later), by channel.
* received_online     channel online AND NOT assisted (self-service). Assisted online dossiers
                      (an officer typed them in for the citizen) are `received_assisted` and are NOT
                      in the online rate's numerator ("counted apart, so the online rate cannot be
                      inflated"); online_rate = received_online / received.
* partial / full      the dossier's online-mode snapshot, for self-service online dossiers.
* completed           returned_at in the month; on time = local date of returned_at <= due_date
                      (the apology letter's new date does not make a late dossier on time; a
                      dossier without a due date has no deadline and counts as on time);
                      late = completed - on time.
* processing days     working days in (local received date, local returned date] by the province's
                      calendar, summed over completed dossiers (average = sum / completed).
* overdue_open        state at the end of the month (now, for the month in progress): received, not closed
                      (returned/refused/withdrawn/stopped) by then, due_date before the first day of
                      the next month, and not waiting for a supplement (clock paused) at that time.
* digitized           received dossiers with at least one document other than the result and no
                      `paper` document (uploaded, scanned, reused are digital); read from the
                      dossier's document facts (DOC_FACTS), which the database keeps from its documents.
* reuse               needed = received dossiers whose procedure has a required document marked
                      reusable from the wallet or replaceable by the population registry's data;
                      reused = those of them with a `reused` document or a paper the registry's data
                      replaced (dossiers.validation.registry_waived; issue 17).
* online payment      basis: dossiers received in the month with fee_amount > 0; paid online =
                      fee_paid_online among them.
* satisfaction        ratings created in the month (of dossiers of the agency); satisfied / all. A
                      rating given on the counter's tablet for a ticket that led to a dossier is that
                      dossier's rating (dossiers.services.counter.desk_rating_give), counted once.
* counter (issue 19)  tickets whose (local) day is in the month, at the centre that issued them:
                      issued, called, done (served to the end), no-show; wait = called_at − issued_at
                      of the called tickets, summed in seconds (mean = sum / called); within target =
                      called no later than 15 minutes after issue. The 90th percentile is not a sum,
                      so it is read from the tickets (counter_selectors.ticket_measures).
* productivity        `receive` events of the month by desk officers of the receiving agency, and the
                      number of those officers; per officer per year = received / officers × 12.
"""

import functools
import logging
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import printing
from dossiers.counter import Ticket
from dossiers.counter_selectors import WITHIN_SECONDS
from dossiers.models import Channel, DocumentSource, Rating, Role, Status
from portal.celery import QueueUnavailable, publish
from portal.fonts import pdf_font_path
from procedures.models import Level, OnlineMode, Scheme
from reports.models import COUNT_FIELDS, MonthlyAgencyStat
from reports.months import month_bounds, month_start, next_month, overdue_as_of  # noqa: F401 (re-exported)
from reports.structure import month_scheme

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = zlib.crc32(b"reports.month_compute") & 0x7FFFFFFF


# One SELECT computes the whole province for one month: four GROUP BY blocks (received, completed,
# overdue at month end, ratings) joined onto the agencies in force that month. It is a plain SELECT
# (the ~hundreds of agency rows are inserted afterwards) because PostgreSQL never runs a
# data-modifying statement (INSERT … SELECT) with parallel workers.
COMPUTE_SQL = """
WITH
in_force AS (
    SELECT id FROM procedures_agency
    WHERE (valid_from IS NULL OR valid_from < %(next)s) AND (valid_until IS NULL OR valid_until >= %(first)s)
),
reusable_procedures AS (
    SELECT DISTINCT procedure_id FROM procedures_requireddocument
    WHERE required AND (reusable OR registry_proof <> '')
),
received AS (
    SELECT d.receiving_agency_id AS agency_id,
        count(*) AS received,
        count(*) FILTER (WHERE d.channel = %(online)s AND NOT d.assisted) AS received_online,
        count(*) FILTER (WHERE d.channel = %(online)s AND NOT d.assisted AND d.online_mode = %(partial)s)
            AS received_online_partial,
        count(*) FILTER (WHERE d.channel = %(online)s AND NOT d.assisted AND d.online_mode = %(full)s)
            AS received_online_full,
        count(*) FILTER (WHERE d.channel = %(online)s AND d.assisted) AS received_assisted,
        count(*) FILTER (WHERE d.channel = %(counter)s) AS received_counter,
        count(*) FILTER (WHERE d.channel = %(postal)s) AS received_postal,
        count(*) FILTER (WHERE d.doc_facts & %(facts_any_paper)s = %(facts_document)s) AS digitized,
        count(rp.procedure_id) AS reuse_needed,
        count(rp.procedure_id) FILTER (WHERE d.doc_facts & %(facts_reused)s <> 0 OR (
            -- a paper the population registry's data replaced (dossiers.validation.registry_waived)
            d.registry_prefill ? 'proves' AND EXISTS (
                SELECT 1 FROM procedures_requireddocument w
                WHERE w.procedure_id = d.procedure_id AND w.registry_proof <> ''
                  AND d.registry_prefill -> 'proves' ? w.registry_proof))) AS reused,
        count(*) FILTER (WHERE d.fee_amount > 0) AS fee_due,
        count(*) FILTER (WHERE d.fee_amount > 0 AND d.fee_paid_online) AS fee_paid_online
    FROM dossiers_dossier d
    -- The dossier's document facts, kept by the database (DOC_FACTS): no per-dossier document lookup.
    LEFT JOIN reusable_procedures rp ON rp.procedure_id = d.procedure_id
    WHERE d.received_at >= %(start_ts)s AND d.received_at < %(next_ts)s
    GROUP BY d.receiving_agency_id
),
completed AS (
    SELECT d.receiving_agency_id AS agency_id,
        count(*) AS completed,
        count(*) FILTER (WHERE d.due_date IS NULL OR (d.returned_at AT TIME ZONE %(tz)s)::date <= d.due_date)
            AS completed_on_time,
        count(*) FILTER (WHERE (d.returned_at AT TIME ZONE %(tz)s)::date > d.due_date) AS completed_late,
        coalesce(sum(greatest(0,
            (%(ordinals)s::int[])[((d.returned_at AT TIME ZONE %(tz)s)::date - %(calendar_from)s::date) + 1]
            - (%(ordinals)s::int[])[(greatest(coalesce((d.received_at AT TIME ZONE %(tz)s)::date,
                                                      (d.returned_at AT TIME ZONE %(tz)s)::date),
                                             %(calendar_from)s::date) - %(calendar_from)s::date) + 1]
        )), 0) AS processing_days_sum
    FROM dossiers_dossier d
    WHERE d.returned_at >= %(start_ts)s AND d.returned_at < %(next_ts)s
    GROUP BY d.receiving_agency_id
),
overdue AS (
    -- Open at the month's end (received before it, not closed by then), or now for the month in progress
    -- (months.overdue_as_of): the GiST index on
    -- tstzrange(received_at, closed_at, '(]') (dossier_open_span_idx) answers "@> end of month" without scanning history.
    SELECT d.receiving_agency_id AS agency_id, count(*) AS overdue_open
    FROM dossiers_dossier d
    WHERE d.received_at IS NOT NULL
      AND tstzrange(d.received_at, CASE WHEN d.closed_at < d.received_at THEN d.received_at ELSE d.closed_at END,
                    '(]') @> %(as_of_ts)s::timestamptz
      AND d.due_date < %(as_of_day)s
      AND (d.returned_at IS NULL OR d.returned_at >= %(as_of_ts)s)
      AND d.status NOT IN %(not_received)s
      AND NOT (d.clock_paused_at IS NOT NULL AND d.clock_paused_at < %(as_of_ts)s)
    GROUP BY d.receiving_agency_id
),
rated AS (
    SELECT d.receiving_agency_id AS agency_id,
        count(*) AS ratings,
        count(*) FILTER (WHERE r.value = %(satisfied)s) AS ratings_satisfied
    FROM dossiers_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id
    WHERE r.created_at >= %(start_ts)s AND r.created_at < %(next_ts)s
    GROUP BY d.receiving_agency_id
),
tickets AS (
    -- The counter's queue (issue 19): tickets of the month's days at the centre that issued them; wait =
    -- called - issued over the called tickets (a transferred ticket keeps its first call).
    SELECT t.agency_id,
        count(*) AS tickets_issued,
        count(*) FILTER (WHERE t.called_at IS NOT NULL) AS tickets_called,
        count(*) FILTER (WHERE t.status = %(ticket_done)s) AS tickets_done,
        coalesce(round(sum(extract(epoch FROM t.called_at - t.issued_at))
                       FILTER (WHERE t.called_at IS NOT NULL)), 0)::bigint AS wait_seconds_sum,
        count(*) FILTER (WHERE t.called_at <= t.issued_at + %(within_seconds)s * interval '1 second')
            AS tickets_within_target,
        count(*) FILTER (WHERE t.status = %(ticket_no_show)s) AS tickets_no_show
    FROM dossiers_ticket t
    WHERE t.day >= %(first)s AND t.day < %(next)s
    GROUP BY t.agency_id
),
receptions AS (
    -- Reception productivity: receipts (the `receive` event) by officers who are desk officers of the
    -- agency that received (dossiers.counter_selectors.reception_productivity, the same rule).
    SELECT e.agency_id, count(*) AS received_by_officers, count(DISTINCT e.actor_id) AS reception_officers
    FROM dossiers_dossierevent e
    WHERE e.action = %(receive_action)s AND e.created_at >= %(start_ts)s AND e.created_at < %(next_ts)s
      AND EXISTS (SELECT 1 FROM dossiers_agencymembership m
                  WHERE m.user_id = e.actor_id AND m.agency_id = e.agency_id AND m.role = %(desk_officer)s)
    GROUP BY e.agency_id
)
SELECT a.id, a.level, a.district_id, a.area_id,
    coalesce(rc.received, 0), coalesce(rc.received_online, 0), coalesce(rc.received_online_partial, 0),
    coalesce(rc.received_online_full, 0), coalesce(rc.received_assisted, 0),
    coalesce(rc.received_counter, 0), coalesce(rc.received_postal, 0),
    coalesce(c.completed, 0), coalesce(c.completed_on_time, 0), coalesce(c.completed_late, 0),
    coalesce(c.processing_days_sum, 0), coalesce(o.overdue_open, 0),
    coalesce(rc.digitized, 0), coalesce(rc.reuse_needed, 0), coalesce(rc.reused, 0),
    coalesce(rc.fee_due, 0), coalesce(rc.fee_paid_online, 0),
    coalesce(t.ratings, 0), coalesce(t.ratings_satisfied, 0),
    coalesce(q.tickets_issued, 0), coalesce(q.tickets_called, 0), coalesce(q.tickets_done, 0),
    coalesce(q.wait_seconds_sum, 0), coalesce(q.tickets_within_target, 0), coalesce(q.tickets_no_show, 0),
    coalesce(op.received_by_officers, 0), coalesce(op.reception_officers, 0)
FROM procedures_agency a
LEFT JOIN received rc ON rc.agency_id = a.id
LEFT JOIN completed c ON c.agency_id = a.id
LEFT JOIN overdue o ON o.agency_id = a.id
LEFT JOIN rated t ON t.agency_id = a.id
LEFT JOIN tickets q ON q.agency_id = a.id
LEFT JOIN receptions op ON op.agency_id = a.id
WHERE a.id IN (SELECT id FROM in_force)
   OR rc.agency_id IS NOT NULL OR c.agency_id IS NOT NULL OR o.agency_id IS NOT NULL OR t.agency_id IS NOT NULL
   OR q.agency_id IS NOT NULL OR op.agency_id IS NOT NULL
"""

DELETE_SQL = "DELETE FROM reports_monthlyagencystat WHERE month = %(first)s"


# Bits of dossiers_dossier.doc_facts, kept by triggers on dossiers_document from all of the dossier's
# documents (dossiers/migrations/0015_dossier_document_facts.py): a document other than the result, a
# paper document, a reused document. Digitized = the first bit without the second.
DOC_FACTS = {"facts_document": 1, "facts_paper": 2, "facts_reused": 4, "facts_any_paper": 1 | 2}

# The enum members the SQL filters on, passed as parameters (issue 12 item 1): renaming a status, a
# channel or a document source changes the SQL with it instead of silently miscounting.
ENUM_PARAMS = {
    "online": Channel.ONLINE, "counter": Channel.COUNTER, "postal": Channel.POSTAL,
    "partial": OnlineMode.PARTIAL, "full": OnlineMode.FULL,
    "paper": DocumentSource.PAPER, "result": DocumentSource.RESULT, "reused": DocumentSource.REUSED,
    "not_received": (Status.DRAFT, Status.SUBMITTED, Status.REFUSED), "satisfied": Rating.Value.SATISFIED,
    "ticket_done": Ticket.State.DONE, "ticket_no_show": Ticket.State.NO_SHOW, "receive_action": "receive",
    "desk_officer": Role.DESK_OFFICER,
}
ENUM_PARAMS = {key: tuple(str(v) for v in value) if isinstance(value, tuple) else str(value)
               for key, value in ENUM_PARAMS.items()}
ENUM_PARAMS["within_seconds"] = WITHIN_SECONDS  # the 15-minute target of the provinces' 2025 one-stop plans


def _calendar_params(cursor, first, start_ts, next_ts):
    """Working-day ordinals (number of working days up to each date) from the earliest receipt of the
    month's completed dossiers to the month's last day, for the SQL's day counts."""
    from procedures.selectors import working_calendar

    cursor.execute(
        "SELECT min((received_at AT TIME ZONE %s)::date) FROM dossiers_dossier"
        " WHERE returned_at >= %s AND returned_at < %s",
        [settings.TIME_ZONE, start_ts, next_ts],
    )
    calendar_from = min(cursor.fetchone()[0] or first, first)
    calendar = working_calendar()
    ordinals, count, day, last = [], 0, calendar_from, next_month(first)
    while day <= last:
        count += calendar.is_working_day(day)
        ordinals.append(count)
        day += timedelta(days=1)
    return calendar_from, ordinals


def compute_params(cursor, first):
    """The parameters of COMPUTE_SQL for the month starting `first` (month_compute and the benchmark)."""
    start_ts, next_ts = month_bounds(first)
    calendar_from, ordinals = _calendar_params(cursor, first, start_ts, next_ts)
    as_of_ts, as_of_day = overdue_as_of(first)
    return {
        "first": first, "next": next_month(first), "start_ts": start_ts, "next_ts": next_ts,
        "as_of_ts": as_of_ts, "as_of_day": as_of_day, "tz": settings.TIME_ZONE, "calendar_from": calendar_from,
        "ordinals": ordinals, **ENUM_PARAMS, **DOC_FACTS,
    }


def month_compute(*, month):
    """Compute one month for the whole province; idempotent: replaces the month's rows.

    One transaction holding a PostgreSQL advisory lock for that month, so two runs at once queue up
    and the second writes the same rows; if anything fails the transaction rolls back and the rows of
    the previous run stay. Returns the number of rows written.
    """
    first = month_start(month)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, first.year * 12 + first.month])
        params = compute_params(cursor, first)
        cursor.execute(COMPUTE_SQL, params)
        scheme = month_scheme(first)  # each row knows the structure it was reported in
        rows = [
            MonthlyAgencyStat(month=first, agency_id=agency_id, level=level, district_id=district_id,
                              area_id=area_id, scheme=scheme, **dict(zip(COUNT_FIELDS, counts, strict=True)))
            for agency_id, level, district_id, area_id, *counts in cursor.fetchall()
        ]
        cursor.execute(DELETE_SQL, params)
        MonthlyAgencyStat.objects.bulk_create(rows, batch_size=1000)
        return len(rows)


def months_between(start, end):
    """First days of every month from `start` to `end`, both included."""
    first, last = month_start(start), month_start(end)
    months = []
    while first <= last:
        months.append(first)
        first = next_month(first)
    return months


class RecomputeNotQueued(Exception):
    """The task queue (Redis) did not take the recomputation; nothing changed, the user may try again."""

    message = _("Hàng đợi tác vụ tạm thời gián đoạn, chưa thể tính lại. Vui lòng thử lại sau ít phút.")


def recompute_start(*, start, end):
    """Queue the recomputation of the months from `start` to `end`; returns the Celery task id.
    RecomputeNotQueued when the broker does not take it (nothing is queued, the old rows stay)."""
    try:
        return publish("reports.compute_range", str(month_start(start)), str(month_start(end))).id
    except QueueUnavailable as exc:
        logger.warning("recompute not queued: %s", exc)
        raise RecomputeNotQueued from exc


def task_progress(task_id):
    """State of a recompute/report task: state, done, total, percent (read from the result backend)."""
    from celery.result import AsyncResult

    result = AsyncResult(task_id)
    try:
        state, info = result.state, result.info
    except Exception as exc:  # noqa: BLE001 - the result store (Redis) is unreachable: say so, do not fail
        logger.warning("task progress unavailable: %s", exc)
        return {"task_id": task_id, "state": "UNAVAILABLE", "done": None, "total": None, "percent": None}
    done = total = None
    if isinstance(info, dict):
        done, total = info.get("done"), info.get("total")
    if state == "SUCCESS" and total is None:
        done = total = 1
    percent = int(done * 100 / total) if total else (100 if state == "SUCCESS" else 0)
    return {"task_id": task_id, "state": state, "done": done, "total": total, "percent": percent}


class TargetInvalid(Exception):
    """A target the structure cannot have (a district target for the two-tier months)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def target_set(*, year, rate, level="", agency=None, actor=None, scheme=""):
    """Create or change the online-rate target of a year for a level (or an agency override); `scheme`
    limits a level's target to the months of one administrative structure ('' = every month)."""
    from reports.models import OnlineRateTarget

    if level == Level.DISTRICT and scheme == Scheme.TWO_TIER:
        raise TargetInvalid(_("Cơ cấu hai cấp (từ 01/7/2025) không có cấp huyện."))
    with transaction.atomic():
        if agency is not None:
            target, _created = OnlineRateTarget.objects.update_or_create(
                year=year, agency=agency, defaults={"rate": rate, "level": agency.level, "updated_by": actor}
            )
        else:
            target, _created = OnlineRateTarget.objects.update_or_create(
                year=year, level=level, scheme=scheme, agency=None, defaults={"rate": rate, "updated_by": actor}
            )
        return target


def target_delete(*, target):
    target.delete()


def plan_target_set(*, indicator, year, level="", value, actor=None):
    """Create or change the target of a one-stop plan indicator (`reports.plan`) for a year and a
    level ('' = every level); the audit is the row's `updated_by` / `updated_at`."""
    from reports import plan
    from reports.models import PlanTarget

    if indicator not in plan.BY_CODE:
        raise TargetInvalid(_("Không có chỉ tiêu này trong kế hoạch."))
    problem = plan.target_value_valid(plan.BY_CODE[indicator], value)
    if problem:
        raise TargetInvalid(problem)
    with transaction.atomic():
        target, _created = PlanTarget.objects.update_or_create(
            indicator=indicator, year=year, level=level or "", defaults={"value": value, "updated_by": actor})
    return target


def plan_target_delete(*, target):
    """Remove an entered plan target: the plan's default applies again."""
    target.delete()


def month_publish(*, month, actor, published=True):
    """Publish (or withdraw) a month's figures on /cong-khai/; publishing also builds its open data
    package (`open_data_package_ensure`). Withdrawing keeps the packages already published (their
    URLs were given out) but the page no longer lists the month."""
    from reports.models import PublishedMonth

    first = month_start(month)
    with transaction.atomic():
        if published:
            PublishedMonth.objects.get_or_create(month=first, defaults={"published_by": actor})
            open_data_package_ensure(month=first)
        else:
            PublishedMonth.objects.filter(month=first).delete()


OPEN_DATA_LOCK = zlib.crc32(b"reports.open_data_package") & 0x7FFFFFFF


def open_data_package_ensure(*, month):
    """The current open data package of a published month: the latest version if it was built from
    the month's current computation with today's definitions version, else a new version (old ones
    are kept). None if the month is not published or not computed. Idempotent; one build at a time
    per month (a transaction-scoped advisory lock), so two visitors never make two versions."""
    from reports import opendata
    from reports.models import OpenDataPackage, PublishedMonth
    from reports.selectors import month_computed_at

    first = month_start(month)
    if not PublishedMonth.objects.filter(month=first).exists():
        return None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [OPEN_DATA_LOCK, first.year * 100 + first.month])
        computed_at = month_computed_at(month=first)
        if computed_at is None:
            return None
        latest = OpenDataPackage.objects.filter(month=first).order_by("-version").first()
        if latest and opendata.is_current(latest, computed_at=computed_at):
            return latest
        package = OpenDataPackage(month=first, version=(latest.version + 1) if latest else 1,
                                  definitions_version=opendata.definitions_version(), computed_at=computed_at)
        package.files = opendata.build_files(package)
        package.save()
        return package


# A build unfinished this long is given up: the requeue stops trying it, a new request starts another.
REPORT_BUILD_GIVE_UP_AFTER = timedelta(days=1)


def monthly_report_request(*, month, actor):
    """The month's report: (the build already open, False), or (a new row, True) whose rendering is
    queued on commit. One open build per month (issue 20 item 8): 30 clicks used to queue 30 builds of
    20-70 s. The partial unique constraint decides between concurrent requests: the second insert waits
    for the first and fails, and that request joins the first's row."""
    from reports.models import MonthlyReport

    first = month_start(month)
    with transaction.atomic():
        MonthlyReport.objects.filter(
            month=first, ready=False, given_up=False, created_at__lt=timezone.now() - REPORT_BUILD_GIVE_UP_AFTER,
        ).update(given_up=True)
        for _attempt in range(3):  # the open build may finish between the failed insert and the read
            try:
                with transaction.atomic():
                    report = MonthlyReport.objects.create(month=first, created_by=actor)
            except IntegrityError:
                report = MonthlyReport.objects.filter(month=first, ready=False, given_up=False).first()
                if report is not None:
                    return report, False
                continue
            transaction.on_commit(functools.partial(_queue_report_build, report.pk))
            return report, True
    raise RuntimeError(f"no open monthly report build for {first} could be created or joined")


def _queue_report_build(report_id):
    """Best effort: with the broker down the row waits, unbuilt, for `monthly_reports_requeue`."""

    try:
        publish("reports.build_monthly_report", report_id)
    except QueueUnavailable as exc:
        logger.warning("monthly report %s not queued, left to the requeue: %s", report_id, exc)


def monthly_reports_requeue(*, older_than_seconds=300, give_up_after=REPORT_BUILD_GIVE_UP_AFTER):
    """Queue again the reports requested but not built after `older_than_seconds` (their task never
    reached a worker, or was lost). Building is idempotent per row, so a report queued twice is built
    once. A report still unbuilt after `give_up_after` is left alone (its build keeps failing: the
    monitor asks for a new one). Returns how many were queued."""
    from reports.models import MonthlyReport

    now = timezone.now()
    pending = list(MonthlyReport.objects.filter(
        ready=False, given_up=False, created_at__lt=now - timedelta(seconds=older_than_seconds),
        created_at__gte=now - give_up_after).values_list("pk", flat=True))
    for report_id in pending:
        _queue_report_build(report_id)
    return len(pending)


APPENDIX_METRICS = ("received", "completed_late", "overdue_open")
REPORT_NUMBER_LOCK = zlib.crc32(b"reports.monthly_report_number") & 0x7FFFFFFF


def _number(report):
    """Give the report its number of the year, its date and its signer (Decree 30/2020/NĐ-CP art. 8 and
    Appendix I: "Số: 12/BC-TTPVHCC", "Hà Tĩnh, ngày … tháng … năm …", title and name of the signer).

    Numbers follow each other within a calendar year and restart at 1 in January. Builds of different
    months may run at once: an advisory lock (held to the end of the build's transaction) makes them
    take numbers one after the other; the unique constraint is the backstop. A rebuilt month is a new
    report with a new number, as a corrected document is in the archive."""
    if report.number is not None:
        return
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REPORT_NUMBER_LOCK, today.year])
    from reports.models import MonthlyReport

    last = MonthlyReport.objects.filter(number_year=today.year).aggregate(last=Max("number"))["last"] or 0
    letterhead = settings.REPORT_LETTERHEAD
    report.number, report.number_year, report.issued_on = last + 1, today.year, today
    report.signer_title, report.signer_name = letterhead["signer_title"], letterhead["signer_name"]


def monthly_report_build(*, report_id):
    """Render the monthly report to the province from the month's rows: print HTML, PDF, XLSX appendix
    (the tables and the dossier lists behind the numbers).

    Idempotent: a report already built is returned as it is. The row stays locked while rendering, so a
    task delivered twice at once renders once: storage never overwrites a file (it renames the new
    one), so every extra render would leave an orphaned PDF and XLSX behind."""
    from django.core.files.base import ContentFile
    from django.template.loader import render_to_string

    from reports import exports, selectors
    from reports.models import MonthlyReport

    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report_id)
        if report.ready:  # a redelivered task: the work is done
            return report
        _number(report)
        context = selectors.report_context(month=report.month, user=report.created_by)
        context.update(report=report, summary=selectors.report_summary(context),
                       letterhead=settings.REPORT_LETTERHEAD)
        html = render_to_string("reports/monthly_report.html", context)
        pdf = printing.html_to_pdf(render_to_string("reports/monthly_report.html", {
            **context, "for_pdf": True, "pdf_font": pdf_font_path(),
        }), name=f"monthly report {report.pk}")
        sheets = [(title, exports.GROUP_COLUMNS, context["tables"][group])
                  for group, title in context["table_titles"].items()]
        for metric in APPENDIX_METRICS:
            dossiers = selectors.metric_dossiers(user=report.created_by, month=report.month, metric=metric)
            sheets.append((selectors.METRICS[metric], exports.DOSSIER_COLUMNS,
                           dossiers.values(*[field for field, _label in exports.DOSSIER_COLUMNS]).order_by("code")))
        appendix = exports.to_xlsx(sheets)
        report.html = html
        report.appendix.save(f"bao-cao-{report.month:%Y-%m}-{report.pk}.xlsx", ContentFile(appendix), save=False)
        report.pdf.save(f"bao-cao-{report.month:%Y-%m}-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.ready = True
        report.save()
    return report
