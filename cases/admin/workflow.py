"""The publication workflow in the admin: every status change goes through cases.services.

Without the publish permission the status and the withdrawal reason are read-only, and only
drafts (and withdrawn records) can be changed; a researcher hands a draft to the reviewers
with the "Submit for review" action. A reviewer
may change the status on the change page too: the change is made by the services after the
record and its inlines are saved, so the same four-eyes and data-quality checks apply, and
a refusal is shown as a message while the content edits are kept.

A published record is edited like a draft, but the edit waits in the editor's change set
(cases/admin/changesets.py) until another reviewer approves it; its parts' own pages
(services.PARTS) are read-only, they change on the record's page. "Withdraw…" retracts a
published record, with a public reason: it is not the way to correct one.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.models import PublicationStatus

from .base import TrackedAdmin
from .changesets import ReviewedEdits

Status = PublicationStatus
STATUS_FIELDS = ("publication_status", "withdrawal_reason")


def refusal_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


class WithdrawalForm(forms.Form):
    withdrawal_reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the public on the record's page, which stays reachable."),
    )


class PublishableAdmin(ReviewedEdits, TrackedAdmin):
    actions = ("submit_selected_for_review", "publish_selected", "return_selected_to_draft")

    def is_live(self, obj) -> bool:
        return obj.publication_status == Status.PUBLISHED

    def has_change_permission(self, request, obj=None):
        # Researchers edit drafts (and withdrawn records, to correct and resubmit them) and,
        # through a change set, published records; a record in review changes only in a
        # reviewer's hands.
        allowed = super().has_change_permission(request, obj)
        if obj is None or obj.publication_status == Status.PUBLISHED:
            return allowed
        if services.can_publish(request.user, self.model):
            return allowed
        return allowed and obj.publication_status in services.SUBMITTABLE_FROM

    def has_delete_permission(self, request, obj=None):
        # Withdraw first: the public then learns why the record went.
        if obj is not None and obj.publication_status == Status.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        opts = self.model._meta
        withdraw = path(
            "<path:object_id>/withdraw/",
            self.admin_site.admin_view(self.withdraw_view),
            name=f"{opts.app_label}_{opts.model_name}_withdraw",
        )
        return [withdraw, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and obj.publication_status == Status.PUBLISHED
            and services.can_publish(request.user, self.model)
        ):
            opts = self.model._meta
            extra_context = {
                **(extra_context or {}),
                "withdraw_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_withdraw", args=[obj.pk]
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def withdraw_view(self, request, object_id):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not services.can_publish(request.user, self.model):
            raise PermissionDenied
        form = WithdrawalForm(request.POST or None)
        if form.is_valid():
            reason = form.cleaned_data["withdrawal_reason"]
            if self.change_status(request, obj, Status.WITHDRAWN, reason):
                opts = self.model._meta
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Withdraw “%(record)s”") % {"record": obj},
            "opts": self.model._meta,
            "original": obj,
            "form": form,
        }
        return TemplateResponse(request, "admin/cases/withdraw.html", context)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        # An edit of a published record changes its content; "Withdraw…" retracts it.
        if not services.can_publish(request.user, self.model) or (
            obj is not None and self.is_live(obj)
        ):
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
        self.related_saved(request, obj)
        requested = getattr(obj, "_requested_status", None)
        if requested is not None:
            del obj._requested_status
            self.change_status(request, obj, *requested)

    def related_saved(self, request, obj) -> None:
        """After the record and its inlines are saved, before a requested status change:
        where values derived from the inlines are brought up to date (through a service)."""

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
                gettext("“%(record)s” stays %(status)s.")
                % {"record": obj, "status": obj.get_publication_status_display().lower()},
                messages.WARNING,
            )
            return False
        self.message_user(
            request,
            gettext("“%(record)s” is now %(status)s.")
            % {"record": obj, "status": obj.get_publication_status_display().lower()},
        )
        return True

    def _change_each(self, request, queryset, status: str) -> None:
        for obj in queryset.order_by("pk"):
            self.change_status(request, obj, status, "")

    @admin.action(description=_("Submit selected for review"))
    def submit_selected_for_review(self, request, queryset):
        self._change_each(request, queryset, Status.IN_REVIEW)

    @admin.action(description=_("Publish selected (reviewers)"))
    def publish_selected(self, request, queryset):
        self._change_each(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Send selected back to draft (reviewers)"))
    def return_selected_to_draft(self, request, queryset):
        self._change_each(request, queryset, Status.DRAFT)


class PartAdmin:
    """For a row that is part of a record's content (services.PARTS), on its own admin page:
    while the record is published the row cannot be added, changed or deleted."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not self._published_records(obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not self._published_records(obj))

    def _published_records(self, obj):
        records = services.records_of(type(obj), lambda name: getattr(obj, name))
        return [r for r in records if services.is_live(r)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        model = self.model

        class PartForm(form):
            def clean(self):
                cleaned = super().clean()
                try:
                    services.refuse_changes_to_published(services.records_of(model, cleaned.get))
                except ValidationError as error:
                    self.add_error(None, error)
                return cleaned

        return PartForm
