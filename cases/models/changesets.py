"""Change sets: edits to what the public sees, reviewed together and published at once.

The live tables hold only what is published (or unpublished drafts nobody else sees), so
every public surface reads them as they are. A staff member's edit of a published record,
or of a fact without a status of its own (a treaty act, a state, a category, a referral, a
provision), is kept here as a pending Change: the admin form as it was submitted, replayed
through the same admin code when a reviewer approves the change set. New records are saved
as unpublished drafts (hidden by `public()`) and published by the approval. See
docs/change-sets.md for the design and why it was chosen.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cases.exchange import importer


class ChangeSetStatus(models.TextChoices):
    OPEN = "open", _("Being edited")
    SUBMITTED = "submitted", _("Waiting for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved and published")
    DISCARDED = "discarded", _("Discarded")


# Its author may still add to it, change it or discard it.
EDITABLE = (ChangeSetStatus.OPEN, ChangeSetStatus.CHANGES_REQUESTED)
# Not yet published nor discarded.
PENDING = (*EDITABLE, ChangeSetStatus.SUBMITTED)


class ChangeSetQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=PENDING)

    def editable_by(self, user):
        return self.filter(created_by=user, status__in=EDITABLE)


class ChangeSet(models.Model):
    """Related edits across records, submitted once and approved as one."""

    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=ChangeSetStatus.choices, default=ChangeSetStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="change_sets"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_change_sets",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(
        blank=True,
        default="",
        help_text=_("The reviewer's comment: what to change, or why approved."),
    )

    objects = ChangeSetQuerySet.as_manager()

    class Meta:
        ordering = ("-updated_at", "-pk")
        permissions = [("approve_changeset", "Can approve change sets (publish them)")]
        indexes = [models.Index(fields=["status", "-updated_at"], name="changeset_status_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:cases_changeset_change", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def history_reason(self) -> str:
        """What each version it writes says in the record's history."""
        return f"Change set #{self.pk}: {self.title}"[:100]


class ChangeKind(models.TextChoices):
    EDIT = "edit", _("Edit of a published record")
    ADDITION = "addition", _("New record (created on approval)")
    NEW = "new", _("New record (a hidden draft until approval)")
    DELETION = "deletion", _("Deletion (on approval)")
    IMPORT = "import", _("Import of a file (on approval)")


class ChangeQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class Change(models.Model):
    """One record's part of a change set.

    `form_data` is the admin form of the record with its inlines, as submitted (every
    value a list, as in a QueryDict): an edit or an addition is that form replayed on
    approval. `base` is what the live record and its parts were when the edit began
    (cases.changesets.snapshot); if the live record differs at approval, the edit is in
    conflict and waits for its author. A NEW change names a draft saved in the live
    tables, hidden until the approval publishes it. An IMPORT keeps an uploaded file
    and its options in `form_data` (cases.changesets.keep_import): the approval runs the
    importer on it.
    """

    change_set = models.ForeignKey(ChangeSet, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    # Text: a state's key is its code. Empty for an addition until it is approved.
    object_id = models.CharField(max_length=64, blank=True, default="")
    label = models.CharField(max_length=300, help_text=_("The record, as it is named."))
    form_data = models.JSONField(null=True, blank=True)
    base = models.JSONField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChangeQuerySet.as_manager()

    # Set on a change by a dry run of its change set's approval (cases.changesets), for the
    # review page: an import's report, and the record as the edit would leave it.
    _report: "importer.Report"
    _replayed: models.Model

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["change_set", "content_type", "object_id"],
                condition=~Q(object_id=""),
                name="change_one_per_record_in_change_set",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="change_record_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def model(self):
        return self.content_type.model_class()

    def live_record(self):
        if not self.object_id:
            return None
        return self.model._default_manager.filter(pk=self.object_id).first()
