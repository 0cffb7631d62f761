"""Run the demo: gunicorn (web), a Celery worker per queue and Celery beat, until Ctrl-C.

Started by `make demo` through bin/demo-env (the demo's configuration: DEBUG off, plain http, a generated
secret key) and bin/with-services (DATABASE_URL and REDIS_URL).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST, PORT = os.environ.get("DEMO_HOST", "127.0.0.1"), os.environ.get("DEMO_PORT", "8000")


def worker(queue, concurrency=1):
    """A Celery worker of one queue (settings.CELERY_TASK_QUEUES): report builds and statistics never
    hold up notifications (issue 20 item 8)."""
    return [str(BIN / "celery"), "-A", "portal", "worker", "-Q", queue, "--loglevel", "INFO",
            "--concurrency", str(concurrency), "--hostname", f"demo-{queue}@%h"]


PROCESSES = {
    "web": [str(BIN / "gunicorn"), "portal.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", "2", "--threads", "4",
            "--access-logfile", "-", "--timeout", "60"],
    "worker-notifications": worker("notifications", concurrency=2),
    "worker-statistics": worker("statistics"),
    "worker-reports": worker("reports"),
    "worker-default": worker("celery"),
    "beat": [str(BIN / "celery"), "-A", "portal", "beat", "--loglevel", "INFO"],
}

DEMO_LOGINS = """
  Tài khoản demo / demo accounts (mật khẩu / password: MotCua@2026)
    congdan@motcua.local         công dân / citizen (0912000001)
    doanhnghiep@motcua.local     doanh nghiệp / business
    tiepnhan.stp@motcua.local    cán bộ tiếp nhận Sở Tư pháp / desk officer
    chuyenvien.stp@motcua.local  chuyên viên Sở Tư pháp / specialist
    lanhdao.stp@motcua.local     lãnh đạo Sở Tư pháp / leader
    tiepnhan.xa@motcua.local     Trung tâm PVHCC phường Thành Sen / commune centre desk + specialist
    lanhdao.xa@motcua.local      lãnh đạo Trung tâm PVHCC phường Thành Sen / commune centre leader
    tiepnhan.huyen@motcua.local  Phòng Tư pháp TP Hà Tĩnh (đến 30/6/2025) / former district desk
    lanhdao.huyen@motcua.local   lãnh đạo Phòng Tư pháp TP Hà Tĩnh cũ: hồ sơ đã chuyển giao / former division leader, hand-over trail
    giamsat@motcua.local         Trung tâm Phục vụ HCC tỉnh / provincial monitor
    admin@motcua.local           quản trị / administrator (/admin/)
    chuadinhdanh@motcua.local    tài khoản mật khẩu chưa định danh (CCCD 042199000004) / unverified account

  "Đăng nhập bằng VNeID" (trang đăng nhập / sign-in page) -> nhà cung cấp định danh thử nghiệm / sandbox provider:
    042090000001 Nguyễn Văn An   mức 2, đăng nhập vào congdan@motcua.local / level 2, signs in to congdan
    042185000002 Trần Thị Bình   mức 1: không nộp được thủ tục toàn trình / level 1: refused for full-online
    042078000003 Lê Văn Cường    mức 2, tạo tài khoản mới / level 2, new account
    042199000004 Phạm Thị Dung   mức 2, không chiếm tài khoản chưa định danh / level 2, no takeover
"""


def main():
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    children = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in PROCESSES.items()}
    url = f"http://{HOST}:{PORT}"
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    print(f"\nMotCua đang chạy tại / is running at {url}  (health: {url}/healthz)\n{DEMO_LOGINS}\n"
          "Ctrl-C để dừng / to stop.\n", flush=True)

    def stop(*_):
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping the demo", file=sys.stderr)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
