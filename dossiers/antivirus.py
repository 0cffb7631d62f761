"""Antivirus scanning of uploads, behind one small interface.

`scanner().scan(data)` returns None when the bytes are clean, or the threat's name. The backend is the
setting ANTIVIRUS_BACKEND: `NoScanner` (default, no-op) or `ClamScanner`, which runs Debian's
`clamscan` on stdin with the signature directory CLAMAV_DATABASE_DIR (freshclam's /var/lib/clamav in
production; tests and offline demos write a local EICAR-only database with `write_eicar_database`).
A scanner that cannot scan raises ScanFailed: the upload is refused (fail closed), never let through.
"""

import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class ScanFailed(Exception):
    """The scanner could not give a verdict."""


class NoScanner:
    """No antivirus configured: every file is clean."""

    def scan(self, data):
        return None


class ClamScanner:
    """ClamAV's command-line scanner, one process per file (uploads are few and at most a few MB)."""

    timeout = 60

    def __init__(self, database_dir=None):
        self.database_dir = str(database_dir or settings.CLAMAV_DATABASE_DIR)

    def scan(self, data):
        try:
            result = subprocess.run(
                ["clamscan", f"--database={self.database_dir}", "--no-summary", "--infected", "--stdout", "-"],
                input=data, capture_output=True, timeout=self.timeout, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ScanFailed(str(exc)) from exc
        if result.returncode == 0:
            return None
        if result.returncode == 1:  # "stdin: <signature> FOUND"
            line = result.stdout.decode("utf-8", "replace").strip().splitlines()[-1]
            return line.partition(": ")[2].removesuffix(" FOUND").strip() or "unknown"
        raise ScanFailed(result.stderr.decode("utf-8", "replace").strip())


def scanner():
    return import_string(settings.ANTIVIRUS_BACKEND)()


def eicar_bytes():
    """The EICAR test file (harmless by definition), built from two halves so no scanner flags this source."""
    return (r"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode("ascii")


def write_eicar_database(directory):
    """A ClamAV body-signature database (.ndb) that knows only EICAR, found anywhere in a file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{eicar_bytes().hex()}\n")
    return directory
