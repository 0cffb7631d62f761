"""Benchmark: catalogue search with 2,000 procedures. Goal: p95 server time under 50 ms.

    python bench/catalogue_search.py [--rounds 200]

Uses DATABASE_URL if it names a database whose name contains "bench"; otherwise creates (once) and
uses `motcua_bench` on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432).
The procedures table of that database is emptied and refilled with 2,000 procedures (bulk_create).

For each query it times server time: the WSGI application itself (every middleware, view, template or
serializer — what gunicorn would call; no test-client instrumentation, no network) for the API
`/api/v1/procedures/` and the HTML page `/thu-tuc/`, then the same SQL the view runs (the COUNT and the
page) sent raw through a cursor, and prints p50/p95 in milliseconds and the machine's load average.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VERBS = ["Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi", "Đăng ký", "Xác nhận", "Thẩm định",
         "Phê duyệt", "Công nhận", "Chấm dứt"]
OBJECTS = ["giấy phép xây dựng", "giấy phép lái xe", "giấy chứng nhận quyền sử dụng đất", "giấy phép kinh doanh",
           "giấy chứng nhận đủ điều kiện an toàn thực phẩm", "khai sinh", "kết hôn", "khai tử", "thường trú",
           "giấy phép bán lẻ rượu", "giấy phép khai thác nước", "chứng chỉ hành nghề dược", "giấy phép lao động",
           "biến động đất đai", "hộ kinh doanh", "doanh nghiệp tư nhân", "hợp tác xã", "nuôi con nuôi",
           "lý lịch tư pháp", "chứng thực bản sao", "trợ cấp xã hội", "người có công", "văn bằng, chứng chỉ",
           "giấy phép môi trường", "phương án cứu hộ", "dự án đầu tư", "giấy phép quảng cáo", "di tích",
           "trường mầm non", "cơ sở giáo dục nghề nghiệp", "giấy phép vận tải", "biển số xe", "tàu cá",
           "giấy phép khai thác khoáng sản", "bảo hiểm thất nghiệp"]
QUALIFIERS = ["", " đối với cá nhân", " đối với tổ chức", " có yếu tố nước ngoài", " cấp tỉnh"]
QUERIES = [
    {"q": "khai sinh"},
    {"q": "giay phep xay dung"},
    {"q": "đăng ký"},
    {"q": "cap lai giay phep lai xe"},
    {"q": "giấy phép", "level": "district"},
    {"q": "chung thuc", "online_mode": "full", "page": "2"},
    {"level": "province", "online_mode": "partial"},
    {},
]


def _database_url(default_name="motcua_bench"):
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" in name:
        return url, name
    return urlunsplit(parts._replace(path=f"/{default_name}")), default_name


def _ensure_database(url, name):
    import psycopg2

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _fill(count):
    from django.db import transaction

    from procedures.models import Field, Level, OnlineMode, Procedure
    from procedures.search import normalize

    rng = random.Random(42)
    with transaction.atomic():
        Procedure.objects.all().delete()
        fields = [Field.objects.update_or_create(code=f"B{i}", defaults={"name": f"Lĩnh vực {i}"})[0]
                  for i in range(20)]
        names = [f"{v} {o}{q}" for v in VERBS for o in OBJECTS for q in QUALIFIERS]
        rng.shuffle(names)
        procedures = []
        for index in range(count):
            name = names[index % len(names)] + ("" if index < len(names) else f" (lần {index // len(names)})")
            code = f"8.{index:06d}"
            days = rng.choice([1, 3, 5, 7, 10, 15, 20, 30])
            procedures.append(Procedure(
                code=code, name=name, name_en="", field=rng.choice(fields), level=rng.choice(Level.values),
                online_mode=rng.choice(OnlineMode.values), processing_days=days,
                online_processing_days=max(days - 2, 0), search_text=normalize(f"{code} {name}"),
            ))
        Procedure.objects.bulk_create(procedures, batch_size=500)
    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE procedures_procedure")


def setup_django(default_name="motcua_bench"):
    """Point Django at the benchmark's database (DATABASE_URL if its name contains "bench", else
    `default_name` on the same server, created once) and set it up; returns the database name."""
    url, name = _database_url(default_name)
    _ensure_database(url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "True")
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    return name


def _percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95


def _time(function, rounds):
    """(p50, p95) of wall time and p50 of this process's CPU time, in ms."""
    for _ in range(5):  # warm caches and connections
        function()
    samples, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (*_percentiles(samples), statistics.median(cpu))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--procedures", type=int, default=2000)
    args = parser.parse_args()

    name = setup_django()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory

    from procedures import selectors
    from procedures.filters import ProcedureFilter
    from procedures.views import PAGE_SIZE

    load_start = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    _fill(args.procedures)
    application = WSGIHandler()
    factory = RequestFactory()

    def serve(path, query):
        environ = factory._base_environ(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET")
        statuses = []
        body = b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        assert statuses[0].startswith("200"), (statuses, body[:500])
        return body

    print(f"database {name}: {args.procedures} procedures; {args.rounds} rounds per query; times in ms")
    print("wall-clock p50/p95 and [CPU p50 of the Django process]; SQL = the view's COUNT + page queries raw")
    print(f"{'query':44} {'API p50':>8} {'p95':>6} {'[cpu]':>6} {'page p50':>9} {'p95':>6} {'[cpu]':>6} "
          f"{'SQL p50':>8} {'p95':>6} {'hits':>5}")
    worst = 0.0
    for params in QUERIES:
        query = urlencode(params)

        def api(query=query):
            serve("/api/v1/procedures/", query)

        def page(query=query):
            serve("/thu-tuc/", query)

        filterset = ProcedureFilter({k: v for k, v in params.items() if k != "page"},
                                    queryset=selectors.procedure_list().order_by("code"))
        assert filterset.is_valid()
        offset = (int(params.get("page", 1)) - 1) * PAGE_SIZE
        queryset = filterset.qs
        count_sql, count_params = queryset.order_by().values("pk").query.sql_with_params()
        page_sql, page_params = queryset[offset:offset + PAGE_SIZE].query.sql_with_params()
        hits = queryset.count()

        def raw(count_sql=count_sql, count_params=count_params, page_sql=page_sql, page_params=page_params):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) AS matches", count_params)
                cursor.fetchone()
                cursor.execute(page_sql, page_params)
                cursor.fetchall()

        api_p50, api_p95, api_cpu = _time(api, args.rounds)
        page_p50, page_p95, page_cpu = _time(page, args.rounds)
        sql_p50, sql_p95, _sql_cpu = _time(raw, args.rounds)
        worst = max(worst, api_p95, page_p95)
        print(f"{query or '(no filter)':44} {api_p50:8.1f} {api_p95:6.1f} {api_cpu:6.1f} {page_p50:9.1f} "
              f"{page_p95:6.1f} {page_cpu:6.1f} {sql_p50:8.2f} {sql_p95:6.2f} {hits:5d}")
    print(f"load average (1 min) at the start: {load_start:.2f}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"worst p95 (API or page): {worst:.1f} ms — goal < 50 ms: {'met' if worst < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
