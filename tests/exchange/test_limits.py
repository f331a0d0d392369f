"""Files past an import's limits are refused with a clear reason, without filling the
memory, on every path: the command line, the admin's upload and an ACLED file."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from cases import models as m
from cases.exchange.acled import import_acled
from cases.exchange.importer import MAX_LINE_BYTES, import_path
from jobs.models import Job

pytestmark = pytest.mark.django_db

MB = 2**20
HEADER = b"id,title,date,country\n"


def endless_line_zip(path: Path, size: int) -> Path:
    """A zip of a few hundred KB that unpacks to `size` bytes of one line with no end."""
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("incidents.csv", "w") as member,
    ):
        member.write(HEADER)
        for _ in range(size // MB):
            member.write(b"a" * MB)
    return path


def peak_memory_of_an_import(path: Path) -> tuple[str, int]:
    """Run `manage.py import_cases --dry-run` in a process of its own, against the test
    database; return what it said and its peak resident memory in bytes."""
    # The peak is read from VmHWM, the high-water mark of this process's own memory map:
    # ru_maxrss would carry over the test runner's size through fork and exec.
    script = (
        "import sys, django\n"
        "from django.core.management import call_command\n"
        "from django.core.management.base import CommandError\n"
        "django.setup()\n"
        "try:\n"
        "    call_command('import_cases', sys.argv[1], '--dry-run', verbosity=0)\n"
        "except CommandError as exc:\n"
        "    print('refused:', exc)\n"
        "status = open('/proc/self/status').read()\n"
        "kb = int(status.split('VmHWM:')[1].split()[0])\n"
        "print('peak', kb * 1024)\n"
    )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ihl.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=300,
        check=True,
    )
    output = done.stdout + done.stderr
    peak = int(output.rsplit("peak ", 1)[1].split()[0])
    return output, peak


def test_a_zip_bomb_is_refused_with_the_memory_under_150_mb(tmp_path):
    """306 KB that unpack to 300 MB of one line made the import peak at 712 MB."""
    bomb = endless_line_zip(tmp_path / "bomb.zip", 300 * MB)
    assert bomb.stat().st_size < 1 * MB

    output, peak = peak_memory_of_an_import(bomb)

    assert f"a line is longer than {MAX_LINE_BYTES // MB} MB" in output
    assert peak < 150 * MB, f"peak memory {peak / MB:.0f} MB"


def test_a_zip_that_unpacks_past_the_limit_is_refused_before_it_is_inflated(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 20 * MB
    bomb = endless_line_zip(tmp_path / "bomb.zip", 30 * MB)

    report = import_path(bomb, dry_run=True)

    assert not report.ok
    [problem] = report.problems
    assert "it unpacks to 30 MB, more than the limit of 20 MB (IHL_IMPORT_MAX_MB)" in str(problem)
    assert m.Incident.objects.count() == 0


def test_an_ndjson_file_of_one_endless_line_is_refused(tmp_path):
    path = tmp_path / "endless.ndjson"
    with path.open("w") as out:
        out.write(json.dumps({"type": "incident", "id": "x", "title": "a" * (MAX_LINE_BYTES + 1)}))

    report = import_path(path, dry_run=True)

    assert not report.ok
    assert f"a line is longer than {MAX_LINE_BYTES // MB} MB" in str(report.problems[0])


def test_an_acled_file_of_one_endless_line_is_refused(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(b"event_id_cnty,event_date\n" + b"a" * (MAX_LINE_BYTES + 1))

    with pytest.raises(ValueError, match="a line is longer than"):
        import_acled(path, dry_run=True)


def test_the_admin_refuses_an_upload_past_its_limit_and_keeps_nothing(admin_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1 * MB
    upload = SimpleUploadedFile("big.ndjson", b"\n" * (MB + 1))

    response = admin_client.post("/admin/exchange/import/", {"file": upload})

    assert response.status_code == 200
    assert "The file is 1.0 MB; the most an upload may be is 1 MB." in response.content.decode()
    assert not m.ChangeSet.objects.exists()
    assert not Job.objects.exists()  # nothing queued, no file kept
