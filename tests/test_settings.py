"""Production settings are safe by default and refuse to start half-configured."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # DJANGO_DEBUG is set explicitly so a developer's .env cannot switch production mode off.
    environment = {**os.environ, "DJANGO_DEBUG": "false", **env}
    # The browser tests allow sync ORM calls beside Playwright's event loop; production does not.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a-production-secret-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="ihl.example.org",
        # docs/security.md "Encryption at rest": without them, warnings ihl.W001 and W002.
        IHL_ENCRYPTION_KEY="A" * 43 + "=",
        IHL_BACKUP_RECIPIENTS="age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_a_true_false_typo_is_refused_not_read_as_false():
    result = manage("check", DJANGO_DEBUG="ture", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false, not 'ture'" in result.stderr


def test_dot_env_fills_in_what_the_real_environment_leaves_unset(tmp_path):
    """The settings module, copied beside a .env of its own: the file's values apply, and
    a variable set in the real environment wins over the file."""
    (tmp_path / "ihl").mkdir()
    shutil.copy(ROOT / "ihl" / "settings.py", tmp_path / "ihl" / "settings.py")
    (tmp_path / "ihl" / "__init__.py").touch()
    (tmp_path / ".env").write_text(
        "# a comment\n"
        "DJANGO_DEBUG=true\n"
        'DJANGO_SECRET_KEY="from-the-file"\n'
        "IHL_API_ANON_RATE=5/min\n"
        "IHL_LOGIN_FAILURE_LIMIT=9\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "IHL_", "DATABASE_URL"))
    }
    environment |= {
        "PYTHONPATH": str(tmp_path),
        "IHL_API_ANON_RATE": "7/min",
        "DATABASE_URL": "postgres://ihl@db.example.org/ihl",
    }
    code = (
        "from ihl import settings as s; "
        "print(s.DEBUG, s.SECRET_KEY, s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'], "
        "s.AXES_FAILURE_LIMIT, s.DATABASES['default']['HOST'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "from-the-file", "7/min", "9", "db.example.org"]


def test_sqlite_is_refused():
    result = manage("check", DJANGO_DEBUG="true", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr


@pytest.mark.django_db
def test_the_application_connects_with_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
