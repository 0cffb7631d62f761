"""Load benchmark: locust against gunicorn + a Celery worker on a populated database, 127.0.0.1 only.

    /work/main/.venv/bin/python bench/load.py [--users 25,50,100,200] [--duration 60] [--dossiers 1000000]
        [--workers 3] [--threads 4] [--reuse] [--keep]

BENCH_LOAD_DB (default motcua_bench_load) and BENCH_LOAD_PORT (8130) choose the database and port.

1. Prepares the throwaway database `motcua_bench_load` on the server of DATABASE_URL: migrate, seed_demo,
   bulk fill (INSERT … SELECT generate_series, the SQL of bench/desk_queues.py) with `--dossiers` rows,
   VACUUM ANALYZE, monthly statistics (`compute_statistics --months 24`), extra citizens with API tokens
   and sessions for the desk officers and the monitor. `--reuse` keeps an existing database (no refill).
2. Starts gunicorn on 127.0.0.1:8130 (3 workers × 4 threads, DEBUG=0, a generated SECRET_KEY) and a
   Celery worker, and waits for /healthz.
3. Runs locust headless (bench/locustfile.py) for `--duration` seconds at each level of `--users`: citizens
   browsing the catalogue and submitting through the API (token auth), desk officers working their
   queues, monitors opening the dashboard.
4. Prints, per level, requests/s, p50/p95/p99 per request type and overall and the error count beside
   each page's time alone; then the capacity curve (one line per level), the goal (zero errors; p95 <
   300 ms at 50 users on a 2-core machine) and the largest level that holds it. Then stops gunicorn and
   the worker and drops the database (unless `--keep`).
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Several benches may share one server: the database name and port can be chosen.
BENCH_DB = os.environ.get("BENCH_LOAD_DB", "motcua_bench_load")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_LOAD_PORT", "8130"))
GOAL_P95_MS = 300
GOAL_USERS = 50
CITIZENS = 300
PY = sys.executable
BIN = Path(PY).parent


def prepare_environment():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    url = urlparse(base)
    os.environ["DATABASE_URL"] = url._replace(path=f"/{BENCH_DB}").geturl()
    os.environ.update(DEBUG="False", SECURE_SSL_REDIRECT="False", LOG_LEVEL="WARNING", ALLOWED_HOSTS=HOST,
                      SECRET_KEY=secrets.token_urlsafe(60), DJANGO_SETTINGS_MODULE="portal.settings",
                      SITE_URL=f"http://{HOST}:{PORT}",
                      # the sandboxes (signing CA, bank) run here; with DEBUG off they need the explicit opt-in
                      ALLOW_SANDBOX="1", PAYMENT_SANDBOX_SECRET=secrets.token_urlsafe(60))
    return url


def admin_connection(url):
    import psycopg2

    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
                            password=url.password, dbname="postgres")
    conn.autocommit = True
    return conn


def database_exists(url):
    conn = admin_connection(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        found = cursor.fetchone() is not None
    conn.close()
    return found


def run_sql_admin(url, *statements):
    conn = admin_connection(url)
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    conn.close()


def manage(*args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def fill(rows):
    """Bulk rows for seed_demo's agencies and procedures; the desk officer's agency gets 10 % of them."""
    from django.db import connection

    from bench.desk_queues import FILL_DOSSIERS, FILL_EVENTS
    from dossiers.models import AgencyMembership, Role
    from procedures.models import Agency, Procedure

    main = AgencyMembership.objects.get(user__email="tiepnhan.stp@motcua.local", role=Role.DESK_OFFICER).agency
    others = list(Agency.objects.filter(procedures__isnull=False).exclude(pk=main.pk).distinct()
                  .values_list("pk", flat=True))
    procedures = list(Procedure.objects.values_list("pk", flat=True))
    specialists = list(AgencyMembership.objects.filter(agency=main, role=Role.SPECIALIST).values_list("user_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(FILL_DOSSIERS, {"agencies": [main.pk, *others], "procedures": procedures,
                                       "specialists": specialists, "rows": rows})
        cursor.execute(FILL_EVENTS)
        cursor.execute("VACUUM ANALYZE")


def pdf_bytes():
    from tests.dossiers.citizen_helpers import pdf_bytes as build

    return build(4096)


SAMPLE = {"text": "Nguyễn Văn Bench", "textarea": "Đề nghị giải quyết.", "address": "Số 1 Phan Đình Phùng, Hà Tĩnh",
          "number": "1", "phone": "0912345678", "id_number": "042090000001"}


def sample_form(schema):
    """Form data that the procedure's form accepts (dates tried as dd/mm/yyyy then ISO), or None."""
    from procedures.form_schema import build_form_class

    form_class = build_form_class(schema)
    for date in ("15/01/2020", "2020-01-15"):
        data = {}
        for field in schema:
            kind = field.get("type")
            if kind == "choice":
                data[field["name"]] = field["choices"][0][0]
            elif kind == "date":
                data[field["name"]] = date
            else:
                data[field["name"]] = SAMPLE.get(kind, "1")
        if form_class(data=data).is_valid():
            return data
    return None


def choose_procedure():
    """An online procedure a citizen can submit: (procedure, agency, form data, required documents).

    Probed once in-process through the services (draft, form, uploads, submit) so the load run does not
    discover a refusal; documents are the required ones to upload a small valid PDF for.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers import services
    from dossiers.models import User
    from procedures.models import OnlineMode, Procedure

    prober = User.objects.get(email="congdan@motcua.local")
    candidates = sorted(Procedure.objects.filter(online_mode=OnlineMode.FULL).prefetch_related("documents", "agencies"),
                        key=lambda p: (sum(d.required for d in p.documents.all()), "khai sinh" not in p.name.lower(),
                                       p.code))
    for procedure in candidates:
        form_data = sample_form(procedure.form_schema or [])
        if form_data is None:
            continue
        required = [d.pk for d in procedure.documents.all() if d.required]
        for agency in procedure.agencies.all():
            try:
                dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=prober)
                errors = services.dossier_save_form(dossier=dossier, actor=prober, data=form_data)
                if errors:
                    raise ValueError(errors)
                for pk in required:
                    services.document_upload(dossier=dossier, actor=prober, required_document=procedure.documents.get(pk=pk),
                                             uploaded=SimpleUploadedFile("giay-to.pdf", pdf_bytes(), "application/pdf"))
                services.dossier_submit_online(dossier=dossier, actor=prober)
            except Exception as exc:  # noqa: BLE001 — a refusal only means: try the next one
                print(f"  probe {procedure.code} @ {agency.code}: {exc!r}")
                continue
            return procedure.code, agency.code, form_data, required
    raise SystemExit("no online procedure could be submitted with sample form data")


def actors(citizens):
    """Extra citizens with API tokens, sessions for the officers and the monitor, pages to open."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from dossiers.models import AgencyMembership, Dossier, Role, Status, User

    password = make_password("MotCua@2026")
    existing = set(User.objects.filter(email__endswith="@bench.motcua.local").values_list("email", flat=True))
    User.objects.bulk_create([
        User(email=f"congdan{i:04d}@bench.motcua.local", full_name=f"Công Dân Bench {i}", password=password)
        for i in range(citizens) if f"congdan{i:04d}@bench.motcua.local" not in existing])
    users = list(User.objects.filter(email__endswith="@bench.motcua.local").order_by("email")[:citizens])
    tokens = [Token.objects.get_or_create(user=user)[0].key for user in users]

    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore \
        if settings.SESSION_ENGINE else SessionStore

    def session(email):
        user = User.objects.get(email=email)
        store = engine()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    officers = ["tiepnhan.stp@motcua.local", "chuyenvien.stp@motcua.local", "lanhdao.stp@motcua.local"]
    agency = AgencyMembership.objects.get(user__email=officers[0], role=Role.DESK_OFFICER).agency
    codes = list(Dossier.objects.filter(handling_agency=agency, status__in=[Status.RECEIVED, Status.PROCESSING])
                 .order_by("-submitted_at").values_list("code", flat=True)[:200])
    procedure, agency_code, form_data, documents = choose_procedure()
    return {"cookie": settings.SESSION_COOKIE_NAME, "tokens": tokens,
            "officers": [session(email) for email in officers], "monitors": [session("giamsat@motcua.local")],
            "dossiers": codes, "procedure": procedure, "agency": agency_code, "form_data": form_data,
            "documents": documents}


def prepare(url, args):
    if args.reuse and database_exists(url):
        print(f"reusing database {BENCH_DB}")
        manage("migrate", "--verbosity", "0")
    else:
        run_sql_admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {BENCH_DB}")
        started = time.monotonic()
        manage("migrate", "--verbosity", "0")
        manage("seed_demo", "--verbosity", "0")
        import django
        django.setup()
        fill(args.dossiers)
        print(f"filled {args.dossiers:,} dossiers in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        manage("compute_statistics", "--months", "24")
        print(f"monthly statistics in {time.monotonic() - started:.0f} s")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    import django
    django.setup()
    return actors(CITIZENS)


def start_servers(logdir, workers=3, threads=4):
    env = dict(os.environ)
    gunicorn = subprocess.Popen(
        [str(BIN / "gunicorn"), "portal.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(workers),
         "--threads", str(threads),
         # idle keep-alive longer than the users' think time (else closing races show as connection resets);
         # no control socket: the default path is shared by every gunicorn on the machine
         "--keep-alive", "30", "--no-control-socket",
         "--access-logfile", "-", "--error-logfile", str(logdir / "gunicorn-error.log")],
        cwd=ROOT, env=env, stdout=open(logdir / "gunicorn-access.log", "w"), stderr=subprocess.STDOUT)
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel", "WARNING", "--concurrency", "1",
         "--hostname", f"bench-load-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=open(logdir / "celery.log", "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=5) as response:
                if response.status == 200:
                    return gunicorn, worker
        except OSError:
            pass
        time.sleep(1)
    stop(gunicorn, worker)
    raise SystemExit(f"/healthz did not answer 200 within 90 s; see {logdir}")


def stop(*processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_locust(args, users, config_path, logdir):
    prefix = logdir / f"locust-{users}"
    env = dict(os.environ, BENCH_LOAD_CONFIG=str(config_path))
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{args.duration}s",
               "--host", f"http://{HOST}:{PORT}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
               "--loglevel", "WARNING"]
    print("$ " + " ".join(command))
    subprocess.run(command, cwd=ROOT, env=env, timeout=args.duration + 120,
                   stdout=open(logdir / f"locust-{users}.log", "w"), stderr=subprocess.STDOUT)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = list(csv.DictReader(handle))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as handle:
            failures = list(csv.DictReader(handle))
    return stats, failures


def baseline(config, repeat=15):
    """The reference: each page type requested alone, one after another (no concurrency), through the same
    gunicorn. Returns {name: median ms}; the load run's percentiles are read against these."""
    import statistics
    import urllib.parse

    officer = {"Cookie": f"{config['cookie']}={config['officers'][0]}"}
    monitor = {"Cookie": f"{config['cookie']}={config['monitors'][0]}"}
    citizen = {"Authorization": f"Token {config['tokens'][0]}"}
    pages = {
        "GET /thu-tuc/?q=": ("/thu-tuc/?" + urllib.parse.urlencode({"q": "khai sinh"}), {}),
        "GET /thu-tuc/[code]/": (f"/thu-tuc/{config['procedure']}/", {}),
        "GET /api/v1/dossiers/": ("/api/v1/dossiers/", citizen),
        "GET /mot-cua/?tab=": ("/mot-cua/?tab=da-tiep-nhan", officer),
        "GET /mot-cua/ho-so/[code]/": (f"/mot-cua/ho-so/{config['dossiers'][0]}/", officer),
        "GET /thong-ke/": ("/thong-ke/", monitor),
    }
    medians = {}
    for name, (path, headers) in pages.items():
        times = []
        for _i in range(repeat):
            request = urllib.request.Request(f"http://{HOST}:{PORT}{path}", headers=headers)
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                if response.status != 200:
                    raise SystemExit(f"baseline {path}: {response.status}")
            times.append((time.perf_counter() - started) * 1000)
        medians[name] = statistics.median(times)
    return medians


def report(stats, failures, args, users, load_before, load_after, alone):
    """The table of one level; returns (req/s, p50, p95, p99, errors) of all requests."""
    print(f"\n--- {users} users ---")
    print(f"{'request':<42} {'count':>7} {'err':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} "
          f"{'alone':>6}  (ms)")
    overall = None
    for row in stats:
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "ALL"
        reference = f"{alone[name]:>6.0f}" if name in alone else f"{'':>6}"
        line = (f"{name[:42]:<42} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6} "
                f"{float(row['Max Response Time']):>7.0f} {reference}")
        if row["Name"] == "Aggregated":
            overall = row
            print("-" * len(line))
        print(line)
    for failure in failures:
        print(f"FAILURE x{failure['Occurrences']}: {failure['Method']} {failure['Name']}: {failure['Error'][:200]}")
    errors = int(overall["Failure Count"])
    print(f"{users} users, {args.duration} s, {args.dossiers:,} dossiers (reuse={args.reuse}); "
          f"load average before {load_before}, after {load_after} (2 cores, shared machine)")
    return (float(overall["Requests/s"]), float(overall["50%"]), float(overall["95%"]), float(overall["99%"]), errors,
            load_before, load_after)


def curve(levels, args):
    """The capacity curve: one line per level, the goal at GOAL_USERS, the largest level that holds."""
    print(f"\ncapacity curve (gunicorn {args.workers} workers x {args.threads} threads, {args.dossiers:,} dossiers, "
          f"{args.duration} s per level):")
    print(f"{'users':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>7}  load average before / after")
    holding = None
    for users, (rps, p50, p95, p99, errors, before, after) in levels.items():
        ok = errors == 0 and p95 < GOAL_P95_MS
        holding = users if ok and (holding is None or users > holding) else holding
        print(f"{users:>6} {rps:>7.1f} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f} {errors:>7}  {before} / {after}"
              f"{'' if ok else '   (p95 >= 300 ms or errors)'}")
    print("alone = median of 15 sequential requests of that page through the same gunicorn before the runs "
          "(no concurrency): the floor each percentile is compared against")
    if GOAL_USERS in levels:
        _rps, _p50, p95, _p99, errors, *_ = levels[GOAL_USERS]
        verdict = "MET" if errors == 0 and p95 < GOAL_P95_MS else "NOT MET"
        print(f"goal: zero errors and p95 < {GOAL_P95_MS} ms at {GOAL_USERS} concurrent users -> {verdict}")
    print(f"largest user count with p95 < {GOAL_P95_MS} ms and no error: "
          f"{holding if holding is not None else 'none of ' + ', '.join(map(str, levels))}")


def notifications(since):
    """Outbox rows written during the run: (created, sent by the Celery worker, with an error)."""
    from django.db.models import Count, Q

    from dossiers.models import OutboxMessage

    return OutboxMessage.objects.filter(created_at__gte=since).aggregate(
        created=Count("id"), sent=Count("id", filter=Q(sent_at__isnull=False)),
        failed=Count("id", filter=~Q(last_error="")))


def loadavg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="25,50,100,200",
                        help="comma-separated levels of concurrent users, one run each (the capacity curve)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (bounded)")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database (no refill)")
    parser.add_argument("--keep", action="store_true", help="do not drop the bench database at the end")
    args = parser.parse_args()
    try:
        args.levels = [int(u) for u in args.users.split(",")]
    except ValueError:
        parser.error("--users must be numbers separated by commas")
    if not (all(1 <= u <= 500 for u in args.levels) and 1 <= args.duration <= 1800):
        parser.error("--users must be 1..500 and --duration 1..1800 s")
    url = prepare_environment()
    logdir = Path(tempfile.mkdtemp(prefix="motcua-bench-load-"))
    print(f"logs in {logdir}")
    os.environ["STATIC_ROOT"] = str(logdir / "static")  # DEBUG=0: whitenoise serves the hashed manifest
    processes = ()
    try:
        config = prepare(url, args)
        config["pdf"] = str(logdir / "giay-to.pdf")
        Path(config["pdf"]).write_bytes(pdf_bytes())
        config_path = logdir / "config.json"
        config_path.write_text(json.dumps(config))
        print(f"submitting {config['procedure']} at {config['agency']} "
              f"({len(config['documents'])} required document(s)); {len(config['tokens'])} citizens")
        processes = start_servers(logdir, args.workers, args.threads)
        alone = baseline(config)
        since, levels = timezone_now(), {}
        for users in args.levels:
            load_before = loadavg()
            stats, failures = run_locust(args, users, config_path, logdir)
            levels[users] = report(stats, failures, args, users, load_before, loadavg(), alone)
            time.sleep(5)  # let the queue drain between levels
        curve(levels, args)
        print("notifications during the run (outbox): {created} created, {sent} sent, {failed} with an error"
              .format(**notifications(since)))
    finally:
        stop(*processes)
        if not args.keep:
            from django.db import connections
            connections.close_all()
            run_sql_admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"dropped {BENCH_DB}")


if __name__ == "__main__":
    main()
