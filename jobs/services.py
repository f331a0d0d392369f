"""Starting jobs (the web request and the commands only enqueue), keeping a checked upload
in a change set, running a stalled job again, and deleting expired files."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import changesets

from .models import Job, JobKind, JobState
from .work import run_job


@transaction.atomic
def start_job(*, kind: JobKind, owner=None, options: dict | None = None, file=None) -> Job:
    """Keep the job (and its input file, in the private job storage) and enqueue it: the
    queue's row is written in the same transaction, so there is never one without the other."""
    job = Job(
        kind=kind,
        owner=owner,
        options=options or {},
        expires_at=timezone.now() + timedelta(hours=settings.IHL_JOB_FILES_HOURS),
    )
    job.save()
    if file is not None:
        job.file.save(file.name, file, save=True)
    run_job.enqueue(job.pk)
    return job


def start_import_check(*, user, name: str, content: bytes, create_vocabulary: bool) -> Job:
    if not user.has_perms(changesets.IMPORT_PERMISSIONS):
        raise PermissionDenied(_("Importing needs the permissions to add and change incidents."))
    return start_job(
        kind=JobKind.IMPORT_CHECK,
        owner=user,
        options={"name": name, "create_vocabulary": create_vocabulary},
        file=ContentFile(content, name="upload" + _suffix(name)),
    )


def start_import(*, path: str, create_vocabulary: bool) -> Job:
    """The command line's import, run by the worker as the command would (no owner)."""
    with open(path, "rb") as data:
        return start_job(
            kind=JobKind.IMPORT,
            options={"name": path, "create_vocabulary": create_vocabulary},
            file=File(data, name="upload" + _suffix(path)),
        )


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


@transaction.atomic
def keep_checked_upload(*, job: Job, user):
    """The owner's confirmation of a checked upload: keep it in a change set of its own for
    review (docs/exchange.md). Only its owner may, once, before it expires."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.owner_id != user.pk or job.kind != JobKind.IMPORT_CHECK:
        raise PermissionDenied(_("Only the member of staff who uploaded a file can keep it."))
    if job.change_set_id is not None:
        raise ValidationError(_("This upload is already kept in a change set."))
    if job.is_expired or not job.file:
        raise ValidationError(
            _("This upload expired on %(date)s: upload the file again to check it anew.")
            % {"date": date_format(job.expires_at, "DATETIME_FORMAT")}
        )
    if job.state != JobState.DONE or not job.result.get("ok"):
        raise ValidationError(_("Only a file checked without problems can be kept."))
    with job.file.open("rb") as data:
        content = data.read()
    change = changesets.keep_import(
        user=user,
        name=job.options["name"],
        content=content,
        create_vocabulary=job.options.get("create_vocabulary", False),
    )
    job.change_set = change.change_set
    job.save(update_fields=["change_set"])
    return change


def run_again(*, job: Job, user) -> None:
    """Enqueue a failed job, or a running one whose worker died, once more."""
    if not (user.is_superuser or job.owner_id == user.pk):
        raise PermissionDenied
    if not (job.state == JobState.FAILED or job.is_stalled):
        raise ValidationError(_("Only a failed job, or one whose worker stopped, can run again."))
    if job.is_expired and job.kind in (JobKind.IMPORT_CHECK, JobKind.IMPORT):
        raise ValidationError(_("Its file has expired: upload the file again."))
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED, error="")
    run_job.enqueue(job.pk)


def prune_jobs() -> tuple[int, int]:
    """Delete the files of expired jobs (uploads, exports, and anything an interrupted run
    left in the job's folder), and enqueue again the jobs whose worker died. Returns the
    number of each."""
    storage = Job._meta.get_field("file").storage
    pruned = 0
    for job in Job.objects.expired().exclude(file="").order_by("pk").iterator():
        folder = job.uuid.hex
        if storage.exists(folder):
            for name in storage.listdir(folder)[1]:
                storage.delete(f"{folder}/{name}")
        Job.objects.filter(pk=job.pk).update(file="")
        pruned += 1
    stalled = 0
    for job in Job.objects.filter(state=JobState.RUNNING).order_by("pk"):
        if job.is_stalled:
            Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
            run_job.enqueue(job.pk)
            stalled += 1
    return pruned, stalled
