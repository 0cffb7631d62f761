"""Benchmark: desk queue pages and the officer's dossier page at 1,000,000 dossiers.

    /work/main/.venv/bin/python bench/desk_queues.py [--rows 1000000] [--repeat 30] [--keep]

Creates (drops first) the throwaway database `motcua_bench_desk` on the server of DATABASE_URL, migrates
it, fills it with INSERT … SELECT generate_series (one statement per table, not the ORM row by row),
ANALYZEs, then times full requests in-process with Django's test client (URL routing, middleware,
session, queries, template rendering; no network or WSGI server). Goal: p95 < 100 ms per page.
Prints p50/p95/max per page and the data it ran against.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "motcua_bench_desk"
GOAL_MS = 100


def prepare_environment():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    url = urlparse(base)
    os.environ["DATABASE_URL"] = url._replace(path=f"/{BENCH_DB}").geturl()
    os.environ.update(DEBUG="False", SECURE_SSL_REDIRECT="False", LOG_LEVEL="WARNING",
                      SECRET_KEY=secrets.token_urlsafe(60), DJANGO_SETTINGS_MODULE="portal.settings")
    return url


def recreate_database(url):
    import psycopg2

    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
                            password=url.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    conn.close()


def reference_data():
    """Agencies, procedures and officers through the factories (a few hundred rows)."""
    from tests import factories

    agencies = [factories.AgencyFactory() for _ in range(50)]
    main = agencies[0]
    procedures = [factories.ProcedureFactory(agencies=[agencies[i % 50]]) for i in range(200)]
    officer = factories.officer(main, "desk_officer")
    factories.officer(main, "specialist", user=officer)
    factories.officer(main, "leader", user=officer)
    specialists = [factories.officer(main, "specialist") for _ in range(10)]
    return agencies, procedures, officer, specialists


FILL_DOSSIERS = """
WITH params AS (
    SELECT %(agencies)s::bigint[] AS agencies, %(procedures)s::bigint[] AS procedures,
           %(specialists)s::bigint[] AS specialists, now() AS now
), rows AS (
    SELECT g,
           -- a busy main agency handles 10 %% of the province's dossiers
           CASE WHEN g %% 10 = 0 THEN agencies[1] ELSE agencies[2 + g %% (array_length(agencies, 1) - 1)] END AS agency,
           procedures[1 + (g * 7) %% array_length(procedures, 1)] AS procedure,
           ((g / 10) * 7919 + (g %% 10) * 13) %% 100 AS bucket,
           now - make_interval(days => (g %% 400), secs => (g * 37) %% 86400) AS submitted,
           specialists, now
    FROM generate_series(1, %(rows)s) AS g, params
)
INSERT INTO dossiers_dossier (
    code, public_id, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, channel,
    assisted, online_mode, form_data, status, created_at, updated_at, submitted_at, received_at,
    clock_started_at, paused_days, processing_days, due_date, completed_at, returned_at, closed_at, fee_amount,
    fee_paid_online, version, handling_agency_id, receiving_agency_id, procedure_id, assignee_id, clock_paused_at)
SELECT
    'BENCH-' || lpad(g::text, 9, '0'), gen_random_uuid(),
    'Nguyễn Văn Bench ' || g, lpad(g::text, 12, '0'), '09' || lpad((g %% 100000000)::text, 8, '0'),
    '', 'Hà Tĩnh', CASE WHEN g %% 3 = 0 THEN 'counter' ELSE 'online' END, false,
    CASE WHEN g %% 3 = 0 THEN '' ELSE 'full' END, '{}'::jsonb,
    st.status, submitted, submitted, submitted,
    CASE WHEN st.status IN ('submitted') THEN NULL ELSE submitted + interval '1 hour' END,
    CASE WHEN st.status IN ('submitted') THEN NULL ELSE submitted + interval '1 hour' END,
    0, 10,
    CASE WHEN st.status = 'submitted' THEN NULL
         WHEN st.status IN ('returned', 'refused', 'withdrawn', 'stopped') THEN (submitted + interval '14 days')::date
         ELSE current_date + ((g %% 30) - 8) END,
    CASE WHEN st.status = 'returned' THEN submitted + interval '10 days' END,
    CASE WHEN st.status = 'returned' THEN submitted + interval '12 days' END,
    CASE WHEN st.status IN ('returned', 'refused', 'withdrawn', 'stopped') THEN submitted + interval '12 days' END,
    0, false, 1, agency, agency, procedure,
    CASE WHEN st.status IN ('processing', 'awaiting_approval', 'awaiting_payment')
         THEN specialists[1 + g %% array_length(specialists, 1)] END,
    CASE WHEN st.status = 'supplement_requested' THEN submitted + interval '2 days' END
FROM rows, LATERAL (SELECT CASE
    WHEN bucket < 80 THEN 'returned' WHEN bucket = 80 THEN 'refused' WHEN bucket = 81 THEN 'withdrawn'
    WHEN bucket = 82 THEN 'stopped' WHEN bucket < 86 THEN 'submitted' WHEN bucket < 90 THEN 'received'
    WHEN bucket < 94 THEN 'processing' WHEN bucket = 94 THEN 'supplement_requested'
    WHEN bucket = 95 THEN 'awaiting_payment' WHEN bucket < 98 THEN 'awaiting_approval' ELSE 'processed' END
    AS status) AS st
"""

FILL_EVENTS = """
INSERT INTO dossiers_dossierevent (action, from_status, to_status, comment, comment_audience, data, created_at,
                                   agency_id, dossier_id)
SELECT e.action, e.from_status, e.to_status, '', 'staff', '{}'::jsonb, d.submitted_at + e.shift, d.handling_agency_id, d.id
FROM dossiers_dossier d, LATERAL (VALUES
    ('submit', 'draft', 'submitted', interval '0'),
    ('receive', 'submitted', 'received', interval '1 hour'),
    ('assign', 'received', 'processing', interval '1 day')) AS e(action, from_status, to_status, shift)
WHERE d.status <> 'submitted'
"""


def fill(rows, agencies, procedures, specialists):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FILL_DOSSIERS, {"agencies": [a.pk for a in agencies], "procedures": [p.pk for p in procedures],
                                       "specialists": [s.pk for s in specialists], "rows": rows})
        cursor.execute(FILL_EVENTS)
    # Steady state of a live database: autovacuum keeps the visibility map current (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(client, url, repeat):
    for _ in range(3):  # warm caches (templates, plans)
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
    timings, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    return statistics.median(timings), p95, timings[-1], statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure the database filled by a previous run")
    args = parser.parse_args()

    url = prepare_environment()
    if not args.reuse:
        recreate_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from dossiers import selectors
    from dossiers.models import Dossier, Status

    # Not setup_test_environment(): its instrumented template rendering would inflate the timings.
    # No collectstatic here: plain static storage instead of the manifest one (same cost per URL).
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.reuse:
        from dossiers.models import User
        from procedures.models import Agency, Procedure

        agencies, procedures = list(Agency.objects.order_by("pk")), list(Procedure.objects.order_by("pk"))
        officer = User.objects.filter(memberships__role="leader").first()
    else:
        agencies, procedures, officer, specialists = reference_data()
        fill(args.rows, agencies, procedures, specialists)
    filled = time.perf_counter() - started
    main_agency = agencies[0]
    total = Dossier.objects.count()
    in_agency = Dossier.objects.filter(handling_agency=main_agency).count()
    open_in_agency = Dossier.objects.filter(handling_agency=main_agency).open().count()

    client = Client()
    client.force_login(officer)
    queue = reverse("desk:queue")
    processing = Dossier.objects.filter(handling_agency=main_agency, status=Status.PROCESSING).order_by("id")
    sample = processing[min(500, processing.count() - 1)]
    second_page = selectors.dossier_queue(officer=officer, tab="da-tiep-nhan").next_cursor
    pages = [
        ("queue: chờ tiếp nhận", f"{queue}?tab=moi"),
        ("queue: đã tiếp nhận", f"{queue}?tab=da-tiep-nhan"),
        ("queue: đã tiếp nhận, page 2 (keyset)", f"{queue}?tab=da-tiep-nhan&after={second_page}"),
        ("queue: đang xử lý (cơ quan)", f"{queue}?tab=dang-xu-ly"),
        ("queue: tôi đang xử lý", f"{queue}?tab=cua-toi"),
        ("queue: chờ phê duyệt", f"{queue}?tab=cho-phe-duyet"),
        ("queue: sắp đến hạn", f"{queue}?tab=sap-den-han"),
        ("queue: quá hạn", f"{queue}?tab=qua-han"),
        ("queue: search by phone", f"{queue}?tab=dang-xu-ly&q={sample.applicant_phone}"),
        ("queue: search by code", f"{queue}?tab=dang-xu-ly&q={sample.code}"),
        ("queue: search by code end", f"{queue}?tab=dang-xu-ly&q={sample.code.rsplit('-', 2)[-2]}-{sample.code.rsplit('-', 1)[-1]}"),
        ("queue: search by name", f"{queue}?tab=dang-xu-ly&q=Bench+{sample.pk}"),
        ("queue: filter procedure", f"{queue}?tab=dang-xu-ly&procedure={procedures[0].pk}"),
        ("officer dossier page", reverse("desk:dossier", args=[sample.code])),
    ]
    print(f"MotCua desk benchmark — {total:,} dossiers ({in_agency:,} at the measured agency, {open_in_agency:,} "
          f"open); fill + migrate {filled:.0f} s")
    print("In-process Django test client (full request: middleware, session, queries, templates); "
          f"{args.repeat} timed requests per page after 3 warm-ups; DEBUG off.")
    # cpu = this process's CPU per request (Django + templates, without PostgreSQL's own time).
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8}  goal p95 < {GOAL_MS} ms")
    worst = 0.0
    for label, page_url in pages:
        p50, p95, top, cpu = measure(client, page_url, args.repeat)
        worst = max(worst, p95)
        print(f"{label:45} {p50:8.1f} {p95:8.1f} {top:8.1f} {cpu:8.1f}  {'ok' if p95 < GOAL_MS else 'OVER'}")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average during the run {load[0]:.1f} / {load[1]:.1f} "
          "(other work shares the machine: figures are upper bounds)")
    print(f"worst p95: {worst:.1f} ms — {'meets' if worst < GOAL_MS else 'misses'} the {GOAL_MS} ms goal")


if __name__ == "__main__":
    main()
