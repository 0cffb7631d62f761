"""Where a page's time goes: cProfile, query counts and EXPLAIN (ANALYZE, BUFFERS) per page, in-process.

    BENCH_LOAD_DB=motcua_bench_load bin/with-services .venv/bin/python bench/profile_pages.py \
        [--repeat 20] [--top 12] [--explain 2] [--only NAME]

Runs against the database that `bench/load.py --keep` leaves (same data, same sessions and tokens: it
reads the last config.json bench/load.py wrote, or builds its own actors). For each page of issue 16
(desk queue tab, officer dossier page, dashboard, catalogue search, procedure page, API create draft /
upload / submit) it requests the page `--repeat` times through Django's test client (middleware,
session, auth, queries, templates; no network), then prints:

* the median server time (ms) and the response size beside the targets (≤ 25 ms per page, ≤ 40 ms per
  API write, dashboard ≤ 100 KB of HTML), with the load average;
* the top `--top` functions of a cProfile of the repeated requests, by own time and by cumulative time
  within the project (portal/, procedures/, dossiers/, reports/) and Django;
* the query count per request and the `--explain` slowest queries with EXPLAIN (ANALYZE, BUFFERS).
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_LOAD_DB", "motcua_bench_load")
TARGET_PAGE_MS, TARGET_WRITE_MS, TARGET_DASHBOARD_KB = 25, 40, 100


def prepare_environment():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    os.environ["DATABASE_URL"] = urlparse(base)._replace(path=f"/{BENCH_DB}").geturl()
    os.environ.update(
        DEBUG="False",
        SECURE_SSL_REDIRECT="False",
        SECURE_COOKIES="False",
        LOG_LEVEL="WARNING",
        ALLOW_SANDBOX="1",
        PAYMENT_SANDBOX_SECRET=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="testserver",
        SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )


def loadavg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class QueryLog:
    """Every query a request ran, with its time (connection.execute_wrapper)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def session_key(email):
    from django.test import Client

    from dossiers.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client.session.session_key


def pages(config):
    """name -> (kind, request(client) -> response, setup(client) or None): the setup (a fresh draft, its
    documents) runs before each request, outside the timing and the profile."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.load import pdf_bytes

    pdf = pdf_bytes()
    # Sessions of the same accounts as bench/load.py (its session keys hash with its own SECRET_KEY).
    officer = {"HTTP_COOKIE": f"{config['cookie']}={session_key('tiepnhan.stp@motcua.local')}"}
    monitor = {"HTTP_COOKIE": f"{config['cookie']}={session_key('giamsat@motcua.local')}"}
    citizen = {"HTTP_AUTHORIZATION": f"Token {config['tokens'][1]}"}
    dossiers = iter(config["dossiers"] * 100)
    state = {}

    def draft(client):
        response = client.post(
            "/api/v1/dossiers/",
            {"procedure": config["procedure"], "agency": config["agency"], "form_data": config["form_data"]},
            content_type="application/json",
            **citizen,
        )
        state["ref"] = response.json()["id"]
        return response

    def upload(client):
        response = None
        for pk in config["documents"]:
            response = client.post(
                f"/api/v1/dossiers/{state['ref']}/documents/",
                {
                    "required_document": str(pk),
                    "file": SimpleUploadedFile("giay-to.pdf", pdf, "application/pdf"),
                },
                **citizen,
            )
        return response

    def submit(client):
        return client.post(f"/api/v1/dossiers/{state['ref']}/submit/", **citizen)

    def with_draft(client):
        draft(client)

    def with_documents(client):
        draft(client)
        upload(client)

    return {
        "desk queue tab": ("page", lambda c: c.get("/mot-cua/", {"tab": "da-tiep-nhan"}, **officer), None),
        "officer dossier page": (
            "page",
            lambda c: c.get(f"/mot-cua/ho-so/{next(dossiers)}/", **officer),
            None,
        ),
        "dashboard /thong-ke/": ("dashboard", lambda c: c.get("/thong-ke/", **monitor), None),
        "catalogue search": ("page", lambda c: c.get("/thu-tuc/", {"q": "khai sinh"}), None),
        "procedure page": ("page", lambda c: c.get(f"/thu-tuc/{config['procedure']}/"), None),
        "API create draft": ("write", draft, None),
        "API upload": ("write", upload, with_draft),
        "API submit": ("write", submit, with_documents),
    }


def config_from_load():
    """The actors bench/load.py wrote last (its temp dir), else new ones."""
    import glob
    import json

    found = sorted(glob.glob("/tmp/motcua-bench-load-*/config.json"), key=os.path.getmtime)
    for path in reversed(found):
        config = json.loads(Path(path).read_text())
        from dossiers.models import Dossier

        if Dossier.objects.filter(code__in=config["dossiers"][:1]).exists():
            return config
    from bench.load import CITIZENS, actors

    return actors(CITIZENS)


def profile_page(name, kind, request, setup, client, args):
    from django.db import connection

    def run(profiler=None):
        if setup:
            setup(client)
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            response = request(client)
            if profiler:
                profiler.disable()
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code in (200, 201), (name, response.status_code, response.content[:300])
        return response, elapsed, log.queries

    for _i in range(2):  # warm: templates, caches
        run()
    times, logs = [], []
    for _i in range(args.repeat):  # timed without the profiler (its overhead doubles Python's time)
        response, elapsed, queries = run()
        times.append(elapsed)
        logs.append(queries)
    profiler = cProfile.Profile()
    for _i in range(max(5, args.repeat // 2)):
        run(profiler)
    median = statistics.median(times)
    size = len(response.content)
    target = TARGET_WRITE_MS if kind == "write" else TARGET_PAGE_MS
    verdict = f"target ≤ {target} ms: {'MET' if median <= target else 'NOT MET'}"
    if kind == "dashboard":
        verdict += (
            f"; HTML {size / 1024:.0f} KB, target ≤ {TARGET_DASHBOARD_KB} KB: "
            f"{'MET' if size <= TARGET_DASHBOARD_KB * 1024 else 'NOT MET'}"
        )
    queries = statistics.median(len(q) for q in logs)
    query_ms = statistics.median(sum(t for _s, _p, t in q) for q in logs)
    print(
        f"\n=== {name}: median {median:.1f} ms (p95 {sorted(times)[int(len(times) * 0.95) - 1]:.1f}), "
        f"{size / 1024:.1f} KB, {queries:.0f} queries taking {query_ms:.1f} ms; {verdict}; load {loadavg()}"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(
        r"(portal|procedures|dossiers|reports|django/template|rest_framework)", args.top
    )
    for line in out.getvalue().splitlines():
        if (
            line.strip()
            and not line.startswith(("   Ordered", "   List reduced"))
            and "function calls" not in line
        ):
            print("  " + line.replace(str(ROOT) + "/", "").replace(sys.prefix, "<venv>"))
    slowest = defaultdict(list)
    for sql, params, ms in logs[-1]:
        slowest[sql].append((ms, params))
    if args.queries:
        for sql, _params, ms in logs[-1]:
            print(f"    {ms:6.1f} ms  {sql[:240]}")
    ranked = sorted(slowest.items(), key=lambda item: -sum(ms for ms, _p in item[1]))
    for sql, runs in ranked[: args.explain]:
        print(f"  query x{len(runs)}, {sum(ms for ms, _p in runs):.1f} ms: {sql[:300]}")
        if sql.lstrip().upper().startswith("SELECT") and args.explain_plans:
            print(explain(sql, runs[0][1]))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--explain", type=int, default=2, help="slowest queries shown per page")
    parser.add_argument("--no-plans", dest="explain_plans", action="store_false", help="no EXPLAIN ANALYZE")
    parser.add_argument("--queries", action="store_true", help="list every query of the last request")
    parser.add_argument("--only", action="append", help="page name(s) to profile (substring)")
    args = parser.parse_args()
    prepare_environment()
    import glob

    # DEBUG=0: the hashed static manifest that bench/load.py collected (its last log directory).
    collected = sorted(glob.glob("/tmp/motcua-bench-load-*/static/staticfiles.json"), key=os.path.getmtime)
    if collected:
        os.environ["STATIC_ROOT"] = str(Path(collected[-1]).parent)
    import django

    django.setup()
    from django.test import Client

    config = config_from_load()
    client = Client()
    print(f"database {BENCH_DB}; load average {loadavg()} (2 cores, shared)")
    for name, (kind, request, setup) in pages(config).items():
        if args.only and not any(o in name for o in args.only):
            continue
        profile_page(name, kind, request, setup, client, args)


if __name__ == "__main__":
    main()
