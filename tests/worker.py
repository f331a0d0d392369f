"""The background worker in tests: `make worker`'s command, run in this process until the
queue is empty, and the job storage in a directory of the test's."""

from pathlib import Path
from unittest import mock

from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

from jobs.models import Job


def run_worker() -> None:
    """Between tasks the worker closes connections it finds outside autocommit, as Django
    does between requests: here the test's transaction is one, which must stay open."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)


def use_job_storage(monkeypatch, directory: Path) -> None:
    """The model's field holds the storage configured at start-up: swap it for the test's."""
    monkeypatch.setattr(Job._meta.get_field("file"), "storage", FileSystemStorage(directory))
