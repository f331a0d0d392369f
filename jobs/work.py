"""What the worker does for each kind of job, and the one task the queue carries.

run() is safe to call twice for one job (a redelivery, or "Run again" after a worker
died): a job already done is left alone, and each kind writes its effect and the job's
"done" in one transaction, so a worker killed half-way leaves nothing half-written.
"""

import logging
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from audit.models import AuditAction
from audit.record import record, system_user
from cases.exchange.export import export
from cases.exchange.importer import Report, import_path
from cases.search import refresh_search_words

from .models import LOCK_CLASS, Job, JobKind, JobState

logger = logging.getLogger(__name__)

# The problems a job's result keeps (the report page shows the first 1,000 too).
KEPT_PROBLEMS = 1000
EXPORT_NAME = "ihl-export.zip"


@task()
def run_job(job_id: int) -> None:
    """The queue's task: only the job's id travels through the queue."""
    run(job_id)


def run(job_id: int) -> None:
    with _job_lock(job_id) as held:
        if not held:
            return  # another worker is running it
        job = Job.objects.filter(pk=job_id).first()
        if job is None or job.state == JobState.DONE:
            return
        Job.objects.filter(pk=job_id).update(
            state=JobState.RUNNING,
            started_at=timezone.now(),
            finished_at=None,
            attempts=F("attempts") + 1,
            progress=0,
            error="",
        )
        job.refresh_from_db()
        try:
            WORK[JobKind(job.kind)](job)
        except (OSError, ValueError) as exc:
            _fail(job, str(exc))
        except Exception as exc:
            logger.exception("Job %s failed", job_id)
            _fail(
                job,
                _(
                    "The job stopped on an unexpected error (%(error)s); "
                    "the worker's log has the details."
                )
                % {"error": type(exc).__name__},
            )


@contextmanager
def _job_lock(job_id: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])


def _stage(job: Job, progress: int, stage: str) -> None:
    job.progress, job.stage = progress, stage
    job.save(update_fields=["progress", "stage"])


def _done(job: Job, result: dict, *, state: str = JobState.DONE, error: str = "") -> None:
    job.state, job.result, job.error = state, result, error
    job.progress, job.stage, job.finished_at = 100, "", timezone.now()
    job.save(update_fields=["state", "result", "error", "progress", "stage", "finished_at", "file"])


def _fail(job: Job, error: str) -> None:
    job.refresh_from_db(fields=["result", "file"])
    _done(job, job.result, state=JobState.FAILED, error=error)


@contextmanager
def _local_copy(job: Job):
    """The upload as a file on this worker's disk (the importer reads a path), removed after."""
    with tempfile.TemporaryDirectory(prefix="ihl-job-") as directory:
        path = Path(directory) / f"upload{Path(job.options['name']).suffix.lower()}"
        with job.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def report_result(report: Report) -> dict:
    """An import report as the JSON kept on the job (and shown by report.html)."""
    return {
        "ok": report.ok,
        "rows": report.rows,
        "problems": [
            {
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "problem": p.problem,
            }
            for p in report.problems[:KEPT_PROBLEMS]
        ],
        "more_problems": report.more_problems + max(0, len(report.problems) - KEPT_PROBLEMS),
        "summary": report.summary(),
    }


def _import_check(job: Job) -> None:
    """An upload's dry run: what it would create and change, and every problem."""
    _stage(job, 10, _("Checking every row"))
    with _local_copy(job) as path:
        report = import_path(
            path,
            dry_run=True,
            create_vocabulary=job.options.get("create_vocabulary", False),
            user=job.owner,
        )
    _done(job, report_result(report))


def _import(job: Job) -> None:
    """The command line's import (manage.py import_cases --background): all rows or none."""
    _stage(job, 10, _("Importing"))
    with _local_copy(job) as path, transaction.atomic():
        report = import_path(
            path, create_vocabulary=job.options.get("create_vocabulary", False), user=job.owner
        )
        record(
            AuditAction.IMPORT,
            what=job.options["name"],
            user=job.owner,
            username="" if job.owner else system_user(),
            detail={"stage": "worker", "ok": report.ok, "job": job.pk},
        )
        if report.ok:
            _done(job, report_result(report))
        else:
            count = len(report.problems) + report.more_problems
            _done(
                job,
                report_result(report),
                state=JobState.FAILED,
                error=_("Nothing was imported: %(count)s problems.") % {"count": count},
            )


def _export(job: Job) -> None:
    """Everything staff can see, as a .zip in the private job storage, for its owner."""
    _stage(job, 10, _("Writing the files"))
    with tempfile.TemporaryDirectory(prefix="ihl-job-") as directory:
        path = Path(directory) / EXPORT_NAME
        counts = export(path)
        _stage(job, 90, _("Storing the export"))
        if job.file:
            job.file.delete(save=False)  # a re-run replaces the earlier attempt's file
        with path.open("rb") as data:
            job.file.save(EXPORT_NAME, File(data), save=False)
    with transaction.atomic():
        record(
            AuditAction.EXPORT,
            what="everything staff can see (.zip)",
            user=job.owner,
            username="" if job.owner else system_user(),
            detail={"rows": counts, "job": job.pk},
        )
        _done(job, {"rows": counts})


def _search_words(job: Job) -> None:
    _stage(job, 10, _("Rebuilding the words"))
    with transaction.atomic():
        words = refresh_search_words()
        _done(job, {"words": words})


WORK: dict[JobKind, Callable[[Job], None]] = {
    JobKind.IMPORT_CHECK: _import_check,
    JobKind.IMPORT: _import,
    JobKind.EXPORT: _export,
    JobKind.SEARCH_WORDS: _search_words,
}
