"""Importing the settings, or collecting the tests, starts no database server: only the
commands that use the database start the embedded one (ihl/embedded_db.py)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def embedded_environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": "",
        "IHL_EMBEDDED_DB_DIR": str(data_dir),
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": "not-a-secret",
    }


def servers_on(data_dir: Path) -> list[str]:
    """Command lines of running processes that name the data directory (Linux /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if str(data_dir) in command:
            found.append(command)
    return found


def test_importing_the_settings_starts_no_server():
    data_dir = Path(tempfile.mkdtemp(prefix="ihl-pg-")) / "pgdata"
    code = (
        "import ihl.settings as s; "
        "print(s.EMBEDDED_DATABASE_DIR, s.DATABASES['default']['HOST'], sep='|')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=embedded_environment(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # The settings name the embedded server's place, and nothing was created there.
    assert result.stdout.strip() == f"{data_dir}|{data_dir}"
    assert not data_dir.exists()
    assert servers_on(data_dir) == []


def test_collecting_the_tests_and_check_start_no_server():
    data_dir = Path(tempfile.mkdtemp(prefix="ihl-pg-")) / "pgdata"
    environment = embedded_environment(data_dir)
    collect = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_edtf.py"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert collect.returncode == 0, collect.stdout + collect.stderr
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert not data_dir.exists()
    assert servers_on(data_dir) == []
