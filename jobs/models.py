"""A job: long work (an import's check or run, an export, a re-index) done by the worker.

The queue (django-tasks' database backend, docs/operations.md "Background work") only
carries the job's id; this row is what staff see: its owner, state, progress, result or
error, and the file it reads (an upload) or writes (an export) in the private job storage.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def job_storage():
    """The private storage of uploads and exports (STORAGES["jobs"]): never served by URL."""
    return storages["jobs"]


def job_file_name(job: "Job", filename: str) -> str:
    return f"{job.uuid.hex}/{filename}"


class JobKind(models.TextChoices):
    IMPORT_CHECK = "import_check", _("Check of an upload")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export of everything")
    SEARCH_WORDS = "search_words", _("Re-index of the search suggestions")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A session-level PostgreSQL advisory lock per job (this number, the job's id) is held by
# the worker running it: it ends with the worker's connection, so a job left "running"
# whose lock is free was abandoned by a worker that died.
LOCK_CLASS = 19_003


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user) -> "JobQuerySet":
        """Staff see their own jobs; superusers see every job (the command line's too)."""
        return self if user.is_superuser else self.filter(owner=user)

    def expired(self) -> "JobQuerySet":
        return self.filter(expires_at__lt=timezone.now())


class Job(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    # None: started on the command line.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    # 0 to 100, and what the worker is doing.
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True, default="")
    options = models.JSONField(_("options"), default=dict, blank=True)
    # What the work found or made (an import's rows and problems, an export's counts).
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, default="")
    # The upload an import reads, or the .zip an export writes: private, deleted on expiry.
    file = models.FileField(
        _("file"), storage=job_storage, upload_to=job_file_name, blank=True, max_length=300
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # After this the file is deleted (manage.py prune_jobs) and an upload can no longer be
    # kept in a change set.
    expires_at = models.DateTimeField(_("expires"))
    # The change set an upload was kept in, once its owner confirmed it.
    change_set = models.ForeignKey(
        "cases.ChangeSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change set"),
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx"),
            models.Index(fields=["expires_at"], name="job_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("admin:jobs_job_change", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.expires_at < timezone.now()

    @property
    def is_stalled(self) -> bool:
        """Running, but no worker holds its lock: the worker died (or was killed)."""
        if self.state != JobState.RUNNING:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, self.pk])
            (free,) = cursor.fetchone()
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, self.pk])
        return free
