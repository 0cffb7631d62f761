"""Benchmark: online submissions per second against a real gunicorn server on this machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_x REDIS_URL=redis://127.0.0.1:6379/2 \
        /work/main/.venv/bin/python bench/submissions.py [--clients 4] [--seconds 20] [--workers 3]

One submission = the citizen API's whole online path: create a draft (POST /api/v1/dossiers/), upload
two 200 KB PDFs (multipart, sniffed, hashed, stored), submit (gapless code, audit event, outbox e-mail).
It creates a throwaway database next to DATABASE_URL's (`motcua_bench_<pid>`), migrates it, starts
gunicorn on 127.0.0.1 (stopped in every case, and bounded by --seconds), drives it with N client
threads using token auth, then drops the database. Prints submissions per second, the median and
95th percentile client-side latency per step, and the median server time per request read from
gunicorn's access log (%(D)s, microseconds inside the worker).
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

SETUP = """
from rest_framework.authtoken.models import Token
from dossiers.models import User
from procedures.models import Agency, AdministrativeUnit, Field, Procedure, RequiredDocument
unit = AdministrativeUnit.objects.create(scheme="2024", level="province", code="42", name="Tỉnh Hà Tĩnh")
agency = Agency.objects.create(code="000.00.42.H01", name="Sở Tư pháp", level="province", area=unit)
field = Field.objects.create(code="HT", name="Hộ tịch")
procedure = Procedure.objects.create(code="1.000894", name="Cấp Phiếu lý lịch tư pháp", field=field,
    level="province", online_mode="full", processing_days=10, online_processing_days=7,
    form_schema=[{"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
                 {"name": "id_number", "label": "Số CCCD", "type": "id_number", "required": True}])
procedure.agencies.add(agency)
docs = [RequiredDocument.objects.create(procedure=procedure, name=n, kinds=["pdf"]) for n in ("Tờ khai", "CCCD")]
tokens = []
for i in range(CLIENTS):
    user = User.objects.create_user(email=f"bench{i}@example.vn", password="Bench-2026-pass", full_name=f"Bench {i}")
    tokens.append(Token.objects.create(user=user).key)
print("SETUP", ",".join(tokens), docs[0].pk, docs[1].pk)
"""


def pdf_200kb():
    """A well-formed one-page PDF (the upload checks parse it whole), padded with a comment to 200 KB."""
    out = bytearray(b"%PDF-1.4\n%" + os.urandom(100 * 1024).hex().encode()[: 200 * 1024 - 400] + b"\n")
    offsets = []
    for number, body in enumerate([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"], start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)


def multipart(fields, file_bytes, boundary):
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="giay-to.pdf"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + file_bytes + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client(threading.Thread):
    def __init__(self, port, token, documents, deadline, pdfs):
        super().__init__(daemon=True)
        self.port, self.token, self.documents, self.deadline, self.pdfs = port, token, documents, deadline, pdfs
        self.done, self.errors, self.timings = 0, [], {"create": [], "upload": [], "submit": []}

    def call(self, connection, method, path, body, content_type):
        headers = {"Authorization": f"Token {self.token}", "Content-Type": content_type}
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, payload, time.perf_counter() - started

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.deadline:
            try:
                status, body, took = self.call(connection, "POST", "/api/v1/dossiers/", json.dumps({
                    "procedure": "1.000894", "agency": "000.00.42.H01",
                    "form_data": {"full_name": "Nguyễn Văn Bench", "id_number": "042123456789"}}), "application/json")
                assert status == 201, (status, body[:200])
                self.timings["create"].append(took)
                ref = json.loads(body)["id"]
                for document, pdf in zip(self.documents, self.pdfs, strict=True):
                    boundary = uuid.uuid4().hex
                    status, body, took = self.call(connection, "POST", f"/api/v1/dossiers/{ref}/documents/",
                                                   multipart({"required_document": document}, pdf, boundary),
                                                   f"multipart/form-data; boundary={boundary}")
                    assert status == 201, (status, body[:200])
                    self.timings["upload"].append(took)
                status, body, took = self.call(connection, "POST", f"/api/v1/dossiers/{ref}/submit/", b"",
                                               "application/json")
                assert status == 200, (status, body[:200])
                self.timings["submit"].append(took)
                self.done += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                self.errors.append(repr(exc)[:300])
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parts = urlsplit(base_url)
    db_name = f"motcua_bench_{os.getpid()}"
    bench_url = urlunsplit(parts._replace(path=f"/{db_name}"))
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{db_name}"')
    media = tempfile.mkdtemp(prefix="motcua-bench-")
    access_log = Path(media) / "access.log"
    env = {**os.environ, "DATABASE_URL": bench_url, "MEDIA_ROOT": media, "DEBUG": "false",
           "SECRET_KEY": "bench-" + uuid.uuid4().hex + uuid.uuid4().hex, "SECURE_SSL_REDIRECT": "false",
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "60"}
    server = None
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
        out = subprocess.run([PY, "manage.py", "shell", "-c", SETUP.replace("CLIENTS", str(args.clients))], cwd=ROOT,
                             env=env, check=True, timeout=120, capture_output=True, text=True).stdout
        line = next(row for row in out.splitlines() if row.startswith("SETUP"))
        _tag, tokens, doc_a, doc_b = line.split()
        tokens = tokens.split(",")
        port = free_port()
        server = subprocess.Popen(
            [PY, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
             "--timeout", "30", "--graceful-timeout", "5", "--access-logfile", str(access_log),
             "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        pdfs = (pdf_200kb(), pdf_200kb())
        # Warm-up: one submission per client (workers import, connections open); not counted.
        warm = [Client(port, token, (doc_a, doc_b), time.monotonic() + 0.01, pdfs) for token in tokens]
        for client in warm:
            client.start()
        for client in warm:
            client.join(60)
        access_log.write_text("")
        started = time.monotonic()
        clients = [Client(port, token, (doc_a, doc_b), started + args.seconds, pdfs) for token in tokens]
        for client in clients:
            client.start()
        for client in clients:
            client.join(args.seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        log_lines = access_log.read_text().splitlines() if access_log.exists() else []
        shutil.rmtree(media, ignore_errors=True)
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.close()

    done = sum(c.done for c in clients)
    errors = [e for c in clients for e in c.errors]
    server_ms = {"create": [], "upload": [], "submit": []}
    for row in log_lines:
        method, path, status, micros = row.split()
        kind = "submit" if path.endswith("/submit/") else "upload" if path.endswith("/documents/") else "create"
        server_ms[kind].append(int(micros) / 1000)
    all_server = [ms for values in server_ms.values() for ms in values]
    print(f"MotCua submissions benchmark — gunicorn {args.workers} sync workers on 127.0.0.1, "
          f"{args.clients} concurrent clients, {args.seconds} s, {os.cpu_count()} CPU cores, PostgreSQL + Redis local")
    print("one submission = create draft + upload 2 x 200 KB PDF (sniffed, sha256, stored) + submit (code, event, outbox)")
    print(f"submissions completed: {done} in {elapsed:.1f} s  ->  {done / elapsed:.1f} submissions/s "
          f"({done * 4 / elapsed:.1f} requests/s); errors: {len(errors)}")
    for kind in ("create", "upload", "submit"):
        client_ms = sorted(t * 1000 for c in clients for t in c.timings[kind])
        if client_ms:
            p95 = client_ms[int(len(client_ms) * 0.95) - 1] if len(client_ms) > 1 else client_ms[0]
            print(f"  {kind:7s} client median {statistics.median(client_ms):6.1f} ms  p95 {p95:6.1f} ms  |  "
                  f"server median {statistics.median(server_ms[kind] or [0]):6.1f} ms  (n={len(client_ms)})")
    if all_server:
        print(f"median server time per request (all {len(all_server)} requests): {statistics.median(all_server):.1f} ms")
    print("compared against: DESIGN.md's load of ~2 M dossiers/year for the province = 2e6 / (250 working days x 8 h)"
          " ≈ 0.28 submissions/s on average over office hours (all channels, not only online).")
    if errors:
        print("first errors:", *errors[:3], sep="\n  ")
    return 0 if done and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
