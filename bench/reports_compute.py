"""Benchmark of the monthly statistics: compute_month on a large dossier table vs the same SQL in psql.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_reports \
        /work/main/.venv/bin/python bench/reports_compute.py [--rows 10000000] [--keep]

1. (Re)creates the throwaway database `motcua_bench_reports` on the server of DATABASE_URL, migrates it.
2. Fills it with INSERT … SELECT generate_series, in order of receipt as a live table grows: 200 agencies (province/district/commune), 60
   procedures, `--rows` dossiers over 24 months (Jul 2023 – Jun 2025) with a channel mix, assisted
   online, due dates, returns (some late), open dossiers, fees, one document each (10% paper, 15%
   reused) and ratings for 40% of the returned ones; then ANALYZE.
3. Times `reports.services.month_compute` (what the Celery task runs: lock, calendar, the SELECT,
   DELETE + INSERT of the month's rows) for one month (median of 3 warm runs) and for all 24 months, and beside them the
   SAME aggregation (COMPUTE_SQL, parameters inlined) run by `psql` (`\\timing`), per
   month and summed over 24 months, and a plain GROUP BY count of the month's received dossiers per
   agency (the floor: issue 16 asks one month's compute within 3× of it). Goals: task within 1.5× of
   raw SQL; one month under 1 s; 24 months under 30 s at 10 M.
The database is dropped at the end unless --keep.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BENCH_DB = os.environ.get("BENCH_REPORTS_DB", "motcua_bench_reports")  # shared servers: choose a name


def database_urls():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parsed = urlparse(base)
    return (urlunparse(parsed._replace(path="/postgres")), urlunparse(parsed._replace(path=f"/{BENCH_DB}")))


def psql(url, sql, timing=False):
    script = ("\\timing on\n" if timing else "") + sql + "\n"
    result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url], input=script, text=True,
                            capture_output=True)
    if result.returncode:
        raise SystemExit(f"psql failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def step(label, started):
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


FILL_SQL = """
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
-- Throwaway database: skip the per-row foreign-key triggers while filling.
SET session_replication_role = replica;
INSERT INTO dossiers_dossier (code, procedure_id, receiving_agency_id, handling_agency_id, applicant_name,
    applicant_id_number, applicant_phone, applicant_email, applicant_address, channel, assisted, online_mode,
    form_data, status, created_at, updated_at, submitted_at, received_at, clock_started_at, paused_days,
    processing_days, due_date, completed_at, returned_at, closed_at, fee_amount, fee_paid_online, version,
    clock_paused_at, public_id)
SELECT 'B-' || g, procedures[1 + floor(r.r7 * array_length(procedures, 1))::int],
    agencies[1 + floor(r.r8 * array_length(agencies, 1))::int],
    agencies[1 + floor(r.r8 * array_length(agencies, 1))::int],
    'Nguyễn Văn An', '', '', '', '', r.channel, r.channel = 'online' AND r.r5 < 0.12,
    CASE WHEN r.channel = 'online' THEN (CASE WHEN r.r6 < 0.6 THEN 'full' ELSE 'partial' END) ELSE '' END,
    '{}', CASE WHEN r.returned IS NOT NULL THEN 'returned' WHEN r.r3 < 0.95 THEN 'processing'
              ELSE 'supplement_requested' END,
    r.received, r.received, r.received, r.received, r.received, 0, 10, (r.received AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 14,
    r.returned, r.returned, r.returned, CASE WHEN r.r6 < 0.3 THEN 50000 ELSE 0 END, r.r6 < 0.3 AND r.r5 < 0.6, 0,
    CASE WHEN r.returned IS NULL AND r.r3 >= 0.95 THEN r.received + interval '3 days' END, gen_random_uuid()
FROM generate_series(1, %(rows)s) g
CROSS JOIN LATERAL (
    SELECT x.*, CASE WHEN x.r2 < 0.5 THEN 'online' WHEN x.r2 < 0.95 THEN 'counter' ELSE 'postal' END AS channel,
        CASE WHEN x.received + interval '20 days' < timestamptz '2025-07-01 00:00+07' OR x.r3 < 0.7
             THEN x.received + x.r4 * interval '18 days' END AS returned
    FROM (SELECT timestamptz '2023-07-01 00:00+07' + (g::float8 / %(rows)s) * interval '730 days' + random() * interval '2 hours' AS received,
                 random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7,
                 random() AS r8) x
) r,
(SELECT array_agg(id) AS agencies FROM procedures_agency) a,
(SELECT array_agg(id) AS procedures FROM procedures_procedure) p;
INSERT INTO dossiers_document (dossier_id, name, file, original_name, content_type, size, sha256, source,
    is_supplement, created_at)
SELECT id, 'Tờ khai', '', '', 'application/pdf', 0, '',
    CASE WHEN random() < 0.10 THEN 'paper' WHEN random() < 0.17 THEN 'reused' ELSE 'uploaded' END,
    false, created_at
FROM dossiers_dossier ORDER BY id;
INSERT INTO dossiers_rating (dossier_id, value, comment, created_at)
SELECT id, CASE WHEN random() < 0.85 THEN 'satisfied' ELSE 'normal' END, '', returned_at + interval '6 hours'
FROM dossiers_dossier WHERE returned_at IS NOT NULL AND random() < 0.4 ORDER BY id;
SET session_replication_role = DEFAULT;
-- The fill skipped the triggers: the dossiers' document facts set-based, as the migration that added them.
UPDATE dossiers_dossier d SET doc_facts = f.facts
FROM (SELECT doc.dossier_id, %(facts)s AS facts FROM dossiers_document doc GROUP BY doc.dossier_id) f
WHERE d.id = f.dossier_id;
VACUUM ANALYZE;
"""


def document_facts_sql():
    """The expression of the document facts, from the migration that keeps them."""
    import importlib

    return importlib.import_module("dossiers.migrations.0015_dossier_document_facts").FACTS


PLAIN_COUNT_SQL = """SELECT receiving_agency_id, count(*) FROM dossiers_dossier
WHERE received_at >= '{start}' AND received_at < '{next}' GROUP BY receiving_agency_id"""


def plain_count_sql(month_first):
    """The reference: a plain GROUP BY count of the month's received dossiers per agency."""
    from reports.months import month_bounds

    start, end = month_bounds(month_first)
    return PLAIN_COUNT_SQL.format(start=start.isoformat(), next=end.isoformat())


def create_catalogue():
    from procedures.models import AdministrativeUnit, Agency, Field, Level, Procedure, RequiredDocument

    province = AdministrativeUnit.objects.create(scheme="2024", level=Level.PROVINCE, code="42", name="Hà Tĩnh")
    districts = [AdministrativeUnit.objects.create(scheme="2024", level=Level.DISTRICT, code=f"4{i:02d}",
                                                   name=f"Huyện {i}", parent=province) for i in range(13)]
    agencies = [Agency(code=f"000.{i:02d}.42.H42", name=f"Sở {i}", level=Level.PROVINCE, area=province)
                for i in range(20)]
    for i, district in enumerate(districts):
        agencies.append(Agency(code=f"000.D{i:02d}.H42", name=f"UBND {district.name}", level=Level.DISTRICT,
                               area=district, district=district))
    for i in range(167):
        district = districts[i % len(districts)]
        commune = AdministrativeUnit.objects.create(scheme="2024", level=Level.COMMUNE, code=f"9{i:04d}",
                                                    name=f"Xã {i}", parent=district)
        agencies.append(Agency(code=f"X{i:03d}.H42", name=f"UBND xã {i}", level=Level.COMMUNE,
                               area=commune, district=district))
    Agency.objects.bulk_create(agencies)
    field = Field.objects.create(code="BENCH", name="Lĩnh vực")
    for i in range(60):
        procedure = Procedure.objects.create(code=f"1.{i:06d}", name=f"Thủ tục {i}", field=field,
                                             level=Level.PROVINCE, online_mode="full", processing_days=10)
        RequiredDocument.objects.create(procedure=procedure, name="Giấy tờ", required=True, reusable=i % 3 == 0)


def raw_select_sql(month_first):
    """COMPUTE_SQL (the aggregation, a SELECT) with the task's parameters inlined."""
    from django.db import connection

    from reports import services

    with connection.cursor() as cursor:
        return cursor.mogrify(services.COMPUTE_SQL, services.compute_params(cursor, month_first)).decode()


def psql_ms(url, sql):
    out = psql(url, f"\\o /dev/null\n{sql};\n\\o", timing=True)
    return sum(float(x) for x in re.findall(r"Time: ([\d.]+) ms", out))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (skip the fill)")
    args = parser.parse_args()
    # A command-line measurement that serves no page: the development settings (DEBUG is off unless set).
    os.environ.setdefault("DEBUG", "1")
    admin_url, bench_url = database_urls()

    t0 = time.perf_counter()
    if not args.reuse:
        print(f"Filling {BENCH_DB} with {args.rows:,} dossiers", flush=True)
        psql(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DB};\nCREATE DATABASE {BENCH_DB};")
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True,
                       stderr=subprocess.DEVNULL)
        step("created and migrated", t0)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from reports import services

    if not args.reuse:
        create_catalogue()
        psql(bench_url, FILL_SQL.replace("%(rows)s", str(args.rows)).replace("%(facts)s", document_facts_sql()))
        step("filled and analysed", t0)
    months = services.months_between(date(2023, 7, 1), date(2025, 6, 1))
    one = date(2025, 3, 1)

    services.month_compute(month=one)  # warm-up (caches, calendar)
    runs = []
    for _i in range(3):
        started = time.perf_counter()
        services.month_compute(month=one)
        runs.append(time.perf_counter() - started)
    task_one = statistics.median(runs)
    sql_one_runs = [psql_ms(bench_url, raw_select_sql(one)) / 1000 for _i in range(3)]
    sql_one = statistics.median(sql_one_runs)

    plain_one = statistics.median(psql_ms(bench_url, plain_count_sql(one)) / 1000 for _i in range(3))

    started = time.perf_counter()
    for first in months:
        services.month_compute(month=first)
    task_all = time.perf_counter() - started
    sql_all = psql_ms(bench_url, ";\n".join(raw_select_sql(first) for first in months)) / 1000

    from dossiers.models import Dossier

    total = Dossier.objects.count()
    print()
    print(f"dossiers in table: {total:,}; months: {len(months)}; PostgreSQL via {bench_url}")
    print(f"compute_month, one month (03/2025, median of 3): {task_one:.3f} s   "
          f"raw SQL in psql: {sql_one:.3f} s   ratio {task_one / sql_one:.2f}x  (goal ≤ 1.5x, < 1 s)")
    print(f"compute_month, one month vs a plain GROUP BY count of its received dossiers in psql "
          f"({plain_one:.3f} s): ratio {task_one / plain_one:.2f}x  (goal ≤ 3x)")
    print(f"compute_month x 24 months:                      {task_all:.3f} s   "
          f"raw SQL in psql: {sql_all:.3f} s   ratio {task_all / sql_all:.2f}x  (goal at 10 M: < 30 s)")
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])} (2 cores, shared machine)")
    print(f"total bench time: {time.perf_counter() - t0:.0f} s")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        psql(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DB};")


if __name__ == "__main__":
    main()
