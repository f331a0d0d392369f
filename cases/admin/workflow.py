"""The publication workflow in the admin: every status change goes through cases.services.

Without the publish permission the status and the withdrawal reason are read-only, and only
drafts (and withdrawn records) can be changed; a researcher hands a draft to the reviewers
with the "Submit for review" action. A reviewer
may change the status on the change page too: the change is made by the services after the
record and its inlines are saved, so the same four-eyes and data-quality checks apply, and
a refusal is shown as a message while the content edits are kept.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import PublicationStatus

from .base import TrackedAdmin

Status = PublicationStatus
STATUS_FIELDS = ("publication_status", "withdrawal_reason")


def refusal_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


class PublishableAdmin(TrackedAdmin):
    actions = ("submit_selected_for_review", "publish_selected", "return_selected_to_draft")

    def has_change_permission(self, request, obj=None):
        # Researchers edit drafts (and withdrawn records, to correct and resubmit them);
        # a record in review or published changes only in a reviewer's hands.
        allowed = super().has_change_permission(request, obj)
        if obj is None or services.can_publish(request.user, self.model):
            return allowed
        return allowed and obj.publication_status in services.SUBMITTABLE_FROM

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user, self.model):
            readonly += tuple(f for f in STATUS_FIELDS if f not in readonly)
        return readonly

    def save_model(self, request, obj, form, change):
        # Whatever the form (or a reverted old version) says, the status stays as it is in
        # the database; a requested change is made by the services in save_related.
        if change:
            current = type(obj).objects.values(*STATUS_FIELDS).get(pk=obj.pk)
        else:
            current = {"publication_status": Status.DRAFT, "withdrawal_reason": ""}
        requested = (obj.publication_status, obj.withdrawal_reason)
        obj.publication_status = current["publication_status"]
        if requested[0] != obj.publication_status or not services.can_publish(
            request.user, type(obj)
        ):
            obj.withdrawal_reason = current["withdrawal_reason"]
        if requested[0] != obj.publication_status:
            obj._requested_status = requested
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        requested = getattr(obj, "_requested_status", None)
        if requested is not None:
            del obj._requested_status
            self.change_status(request, obj, *requested)

    def change_status(self, request, obj, status: str, reason: str) -> bool:
        user = request.user
        try:
            if status == Status.PUBLISHED:
                services.publish(record=obj, reviewer=user)
            elif status == Status.WITHDRAWN:
                services.withdraw(record=obj, reviewer=user, reason=reason)
            elif status == Status.IN_REVIEW:
                services.submit_for_review(record=obj, user=user)
            elif status == Status.DRAFT:
                services.return_to_draft(record=obj, reviewer=user)
        except (PermissionDenied, ValidationError) as error:
            obj.refresh_from_db(fields=STATUS_FIELDS)
            for message in refusal_messages(error):
                self.message_user(request, message, messages.ERROR)
            self.message_user(
                request,
                f"“{obj}” stays {obj.get_publication_status_display().lower()}.",
                messages.WARNING,
            )
            return False
        self.message_user(
            request, f"“{obj}” is now {obj.get_publication_status_display().lower()}."
        )
        return True

    def _change_each(self, request, queryset, status: str) -> None:
        for obj in queryset.order_by("pk"):
            self.change_status(request, obj, status, "")

    @admin.action(description="Submit selected for review")
    def submit_selected_for_review(self, request, queryset):
        self._change_each(request, queryset, Status.IN_REVIEW)

    @admin.action(description="Publish selected (reviewers)")
    def publish_selected(self, request, queryset):
        self._change_each(request, queryset, Status.PUBLISHED)

    @admin.action(description="Send selected back to draft (reviewers)")
    def return_selected_to_draft(self, request, queryset):
        self._change_each(request, queryset, Status.DRAFT)
