"""A busy month recomputed under faults: data, the pins that stop a compute mid-flight, and probes.

Shared by the worker-killed and duplicate-scheduling tests of `reports.compute_month`.
"""

import random
from datetime import date, timedelta
from types import SimpleNamespace

from django.db import transaction

from reports import services
from reports.models import COUNT_FIELDS, MonthlyAgencyStat
from tests import factories
from tests.reports.conftest import at, make_dossier

MARCH = date(2025, 3, 1)
MARCH_LOCK_KEY = MARCH.year * 12 + MARCH.month  # month_compute's advisory lock: (LOCK_NAMESPACE, this)


def populate_month(pairs, *, count, seed):
    """`count` varied dossiers received from mid-February to the end of March 2025 over the given
    (agency, procedure) pairs: every channel, online mode, assisted or not, documents of every source,
    fees paid online or not, returned early or late (some in April), open past due, clock stopped, rated.
    Deterministic for a seed."""
    rng = random.Random(seed)
    for _ in range(count):
        agency, procedure = rng.choice(pairs)
        received = date(2025, 2, 15) + timedelta(days=rng.randrange(45))
        channel = rng.choice(["online", "online", "counter", "postal"])
        fee = rng.choice([0, 0, 10000, 50000])
        fields = {
            "channel": channel, "received_at": at(received.isoformat(), rng.randrange(7, 23)),
            "due_date": received + timedelta(days=rng.randrange(3, 25)),
            "online_mode": rng.choice(["partial", "full"]) if channel == "online" else "",
            "assisted": channel == "online" and rng.random() < 0.2,
            "fee_amount": fee, "fee_paid_online": fee > 0 and rng.random() < 0.6,
            "documents": rng.sample(["uploaded", "scanned", "reused", "paper", "result"], k=rng.randrange(4)),
        }
        outcome = rng.random()
        if outcome < 0.55:
            returned = at((received + timedelta(days=rng.randrange(1, 30))).isoformat(), 15)
            rated = returned.date() + timedelta(days=1)
            fields.update(status="returned", returned_at=returned, closed_at=returned)
            if rng.random() < 0.6:
                fields["rating"] = (rng.choice(["satisfied", "satisfied", "normal", "unsatisfied"]), rated.isoformat())
        elif outcome < 0.65:
            fields.update(status="supplement_requested",
                          clock_paused_at=at((received + timedelta(days=2)).isoformat()))
        else:
            fields["status"] = "processing"
        make_dossier(procedure=procedure, agency=agency, **fields)


def month_rows(month=MARCH):
    """The month's rows as comparable values (ids and computed_at differ from one run to another)."""
    return list(MonthlyAgencyStat.objects.filter(month=month).order_by("agency_id")
                .values("agency_id", "level", "district_id", *COUNT_FIELDS))


def rows_of_a_direct_compute(month=MARCH):
    """The rows `services.month_compute` produces in this process now, rolled back afterwards."""
    with transaction.atomic():
        services.month_compute(month=month)
        rows = month_rows(month)
        transaction.set_rollback(True)
    return rows


def stale_month(structure):
    """March 2025 computed once (`old`), then changed: more dossiers and a newly created department in
    force that month (`newcomer`), so a recompute must change the rows and add one (`expected`)."""
    s = structure
    pairs = [(s["a"], s["plain"]), (s["a"], s["reusable"]), (s["b"], s["plain"]), (s["c"], s["commune_procedure"])]
    populate_month(pairs, count=150, seed=1)
    services.month_compute(month=MARCH)
    old = month_rows()
    newcomer = factories.AgencyFactory(name="Sở mới thành lập", area=s["tree"]["province"])
    pairs.append((newcomer, factories.ProcedureFactory(agencies=[newcomer])))
    populate_month(pairs, count=80, seed=2)
    expected = rows_of_a_direct_compute()
    assert expected != old and len(expected) == len(old) + 1
    return SimpleNamespace(old=old, expected=expected, newcomer=newcomer)


def pin_while_writing(month, newcomer):
    """SQL for a LockHolder: insert (uncommitted) the newcomer's row of the month. A compute that reaches
    its INSERT has already deleted the month's old rows in its transaction, and waits there for this
    session (unique month+agency)."""
    from reports.structure import month_scheme

    columns = ["month", "agency_id", "level", "scheme", *COUNT_FIELDS, "computed_at"]
    values = ["%s", "%s", "%s", "%s", *["0"] * len(COUNT_FIELDS), "now()"]
    sql = f"INSERT INTO reports_monthlyagencystat ({', '.join(columns)}) VALUES ({', '.join(values)})"
    return sql, [month, newcomer.pk, newcomer.level, month_scheme(month)]


# The statistics statement reads the ratings: while another session holds that table exclusively, a
# compute waits inside its one SELECT, after it took the month's advisory lock.
PIN_IN_STATISTICS = "LOCK TABLE dossiers_rating IN ACCESS EXCLUSIVE MODE"


def compute_sessions(cursor):
    """[(pid, wait_event, query)] of the sessions inside month_compute for March: the one holding its
    advisory lock first, then those waiting for it."""
    cursor.execute(
        "SELECT a.pid, l.granted, a.wait_event, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.objsubid = 2"
        " ORDER BY l.granted DESC",
        [services.LOCK_NAMESPACE, MARCH_LOCK_KEY],
    )
    return [(pid, wait_event, query) for pid, _granted, wait_event, query in cursor.fetchall()]


def sessions_alive(cursor, pids):
    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])
    return cursor.fetchone()[0] > 0
