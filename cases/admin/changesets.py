"""Change sets in the admin: edits of what the public sees wait in a change set for review.

A record's change page works as always, but saving an edit of a live record (a published
one, or a fact without a status: a treaty act, a state, a category, a referral, a
provision) runs the admin's own save inside a savepoint that is rolled back: the same
validation, then nothing written but the form, kept in the editor's change set
(cases.changesets.save_edit). The page then shows the draft instead of the live record.
Approval replays the kept form through the same view (replay()), so an edit is validated
and saved by one code path whether it is made now or approved later.
"""

import copy
import re

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import changesets
from cases.models.changesets import Change, ChangeKind, ChangeSet, ChangeSetStatus

# Buttons and navigation, not content: a replayed form is saved plainly.
NOT_CONTENT = {
    "csrfmiddlewaretoken",
    "_save",
    "_continue",
    "_addanother",
    "_saveasnew",
    "_rebase",
    "_addaction",  # an incident's "Save and add an action for this incident"
    IS_POPUP_VAR,
    TO_FIELD_VAR,
    "_changelist_filters",
}


def form_data(request) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST if key not in NOT_CONTENT}


def query_dict(data: dict[str, list[str]]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, values)
    result._mutable = False
    return result


def without_new_rows(data: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    """A form's data without the new (not yet saved) rows of one inline formset."""
    initial = int(data[f"{prefix}-INITIAL_FORMS"][0])
    row = re.compile(rf"^{re.escape(prefix)}-(\d+)-")
    kept = {
        key: values
        for key, values in data.items()
        if not ((match := row.match(key)) and int(match.group(1)) >= initial)
    }
    kept[f"{prefix}-TOTAL_FORMS"] = [str(initial)]
    return kept


def form_errors(response) -> list[str]:
    """The errors a change form was returned with, each named by its field."""
    context = getattr(response, "context_data", None) or {}
    errors = []
    admin_form = context.get("adminform")
    if admin_form is not None:
        form = admin_form.form
        for name, messages_ in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            errors.extend(_field_error(label, m) if label else m for m in messages_)
    for inline in context.get("inline_admin_formsets", ()):
        formset = inline.formset
        what = formset.model._meta.verbose_name
        errors.extend(_field_error(what, m) for m in formset.non_form_errors())
        for row, row_errors in enumerate(formset.errors, start=1):
            for name, messages_ in row_errors.items():
                errors.extend(
                    gettext("%(part)s %(row)d, %(field)s: %(message)s")
                    % {"part": what, "row": row, "field": name, "message": m}
                    for m in messages_
                )
    if not errors and response.status_code == 302:
        errors.append(gettext("The record no longer exists."))
    return errors or [
        gettext("The form was refused (HTTP %(status)d).") % {"status": response.status_code}
    ]


def _field_error(label, message) -> str:
    return gettext("%(field)s: %(message)s") % {"field": label, "message": message}


def reuses_form_classes(request, kwargs: dict) -> bool:
    """Whether the form and formset classes of this page may be those built for an earlier
    replay of the same approval (`request.form_classes`, see replay())."""
    return getattr(request, "form_classes", None) is not None and not set(kwargs) - {"fields"}


def form_class_key(model_admin, request, obj, kwargs: dict, *more) -> tuple:
    """What an admin builds a form class (or an inline's formset class) from: Django's
    get_form() and get_formset() build it from the fields, the excluded and read-only
    fields, permissions and row counts (`more`, each admin's own), and its form fields
    from the user's permissions. Each is judged for this record by the admin's own
    methods, so a record that gets another form gets another class."""
    if "fields" in kwargs:
        fields = kwargs["fields"]
    else:
        fields = flatten_fieldsets(model_admin.get_fieldsets(request, obj))
    return (
        type(model_admin),
        getattr(model_admin, "parent_model", None),  # an inline's
        request.user.pk,
        None if fields is None else tuple(fields),
        tuple(model_admin.get_exclude(request, obj) or ()),
        tuple(model_admin.get_readonly_fields(request, obj)),
        *more,
    )


def built_once(request, key: tuple, build):
    """The class build() makes, made once for all the replays that share
    `request.form_classes` (an approval's), for each key."""
    classes = request.form_classes
    if key not in classes:
        classes[key] = build()
    return classes[key]


class RowsAhead:
    """The inline rows of a run of edits that an approval replays one after the other
    (edits of records of one model, by one author), read for all the run's records at
    once: each inline's query (its joins and prefetches included) once for the run,
    instead of once for each replay, ~1.5 ms of Python each.

    A replay writes its own record and its own inline rows only (the rows an admin page
    shows and saves are those naming its record), so the rows read for the records after
    it are still theirs when their turn comes. A change of any other kind (a deletion, an
    import, an addition, another model's edit) ends the run: rows after it are read
    again (cases.changesets.runs_of_edits)."""

    def __init__(self, pks: list[str]):
        self.pks = pks
        self.read: dict[type, dict] = {}

    def rows(self, inline, queryset, obj) -> list:
        """The rows of `obj` in this inline's queryset, in the formset's order."""
        from django.forms.models import _get_foreign_key

        if type(inline) not in self.read:
            fk = _get_foreign_key(type(obj), inline.model, fk_name=inline.fk_name)
            if not queryset.ordered:  # as BaseModelFormSet.get_queryset() orders them
                queryset = queryset.order_by(inline.model._meta.pk.name)
            by_record: dict = {}
            for row in queryset.filter(**{f"{fk.name}__in": self.pks}):
                by_record.setdefault(getattr(row, fk.attname), []).append(row)
            self.read[type(inline)] = by_record
        return self.read[type(inline)].get(obj.pk, [])


def replay(
    change: Change,
    change_set: ChangeSet,
    search_names: set[int] | None = None,
    form_classes: dict | None = None,
    rows_ahead: RowsAhead | None = None,
):
    """Save a kept edit through its admin page, as its author; the record saved.

    Raises ValidationError with the form's errors when it no longer validates, and when
    the author may no longer change the record. Given a set, the incidents whose search
    names the save changes are added to it for the caller to refresh once for all its
    replays (cases.admin.base.RefreshesSearchNames), instead of refreshed at each save.
    Given a dict, the form and formset classes the admin builds for each page are built
    once for all the replays given the same dict (form_class_key()): an approval's. Given
    rows ahead, the record's inline rows are taken from them (RowsAhead)."""
    model_admin = admin.site.get_model_admin(change.model)
    request = HttpRequest()
    request.method = "POST"
    request.POST = query_dict(change.form_data or {})
    request.FILES = MultiValueDict()
    request.user = change.author
    # The admin builds URLs from the host, which must be one the site answers to.
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h[0] not in ".*"] or ["localhost"]
    request.META = {"SERVER_NAME": hosts[0], "SERVER_PORT": "80", "REMOTE_ADDR": ""}
    request.path = request.path_info = reverse("admin:index")
    request._dont_enforce_csrf_checks = True
    request._messages = CookieStorage(request)
    request.replaying = True
    request.search_names_pending = search_names
    request.form_classes = form_classes
    request.rows_ahead = rows_ahead
    context = HistoricalRecords.context
    previous = getattr(context, "request", None), getattr(context, "change_reason", None)
    context.request, context.change_reason = request, change_set.history_reason
    try:
        response = model_admin.changeform_view(request, change.object_id or None)
    except PermissionDenied:
        raise ValidationError(
            gettext("%(author)s may no longer change this record.") % {"author": change.author}
        ) from None
    finally:
        context.request, context.change_reason = previous
    saved = getattr(request, "saved_object", None)
    if saved is None:
        raise ValidationError(form_errors(response))
    return saved


class ReviewedEdits:
    """For a ModelAdmin whose live records the public sees: edits wait in a change set.

    `is_live(obj)` says whether the public sees the record (then an edit waits);
    `additions_wait`: whether a new record waits in the change set too (a treaty act, a
    state: the public would see it at once), or is saved as a hidden draft that the
    approval publishes (a record with a publication status, a provision).
    """

    additions_wait = False
    change_form_template = "admin/cases/reviewed_change_form.html"
    # Part models whose new rows on a live record's page are added at once, as hidden drafts
    # of the change set, through their own add page (a provision of a published instrument),
    # so that the change set can cite them; the kept edit holds the rest of the form.
    rows_added_as_drafts: tuple = ()

    def is_live(self, obj) -> bool:
        return True

    def _own_change(self, request, obj) -> Change | None:
        """The user's kept edit of `obj`, or of the addition named by ?change=."""
        own = Change.objects.filter(change_set__in=ChangeSet.objects.editable_by(request.user))
        if obj is not None:
            return own.of(obj).exclude(kind=ChangeKind.DELETION).first()
        change_id = request.GET.get("change", "")
        if not change_id.isdigit():
            return None
        return own.filter(pk=change_id, kind=ChangeKind.ADDITION).first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if getattr(request, "replaying", False):
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:  # the admin's own "does not exist" answer
            return super().changeform_view(request, object_id, form_url, extra_context)
        if not (self.is_live(obj) if obj is not None else self.additions_wait):
            return super().changeform_view(request, object_id, form_url, extra_context)
        change = self._own_change(request, obj)
        context = {**(extra_context or {}), **self._draft_context(request, obj, change)}
        if request.method == "POST":
            return self._keep_draft(request, obj, change, object_id, form_url, context)
        if change is not None:
            return self._show_draft(request, change, object_id, form_url, context)
        return super().changeform_view(request, object_id, form_url, context)

    def _draft_context(self, request, obj, change) -> dict:
        others = []
        if obj is not None:
            others = list(
                changesets.pending_changes(obj)
                .exclude(pk=getattr(change, "pk", None))
                .select_related("change_set", "change_set__created_by")
            )
        return {
            "reviewed_edit": True,
            "draft_change": change,
            "draft_conflicts": changesets.conflicts(change) if change is not None else [],
            "other_changes": others,
        }

    def _keep_draft(self, request, obj, change, object_id, form_url, context):
        if request.FILES:
            self.message_user(
                request,
                _("A file cannot wait for review: upload it while the record is a draft."),
                messages.ERROR,
            )
            return redirect(request.get_full_path())
        with transaction.atomic():
            request.capturing_draft = True
            response = super().changeform_view(request, object_id, form_url, context)
            transaction.set_rollback(True)
        request.capturing_draft = False
        saved = getattr(request, "saved_object", None)
        if saved is None:
            return response  # the form, with its errors
        data = form_data(request)
        if obj is None:
            data["_model"] = self.model
        try:
            with transaction.atomic():
                data, drafts = self._add_rows_as_drafts(request, obj, data)
                if not drafts or change is not None or getattr(request, "edit_changes_more", True):
                    change = changesets.save_edit(
                        user=request.user,
                        obj=obj,
                        form_data=data,
                        label=str(saved),
                        change=change,
                        rebase="_rebase" in request.POST,
                    )
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                self.message_user(request, message, messages.ERROR)
            return redirect(request.get_full_path())
        if drafts:
            change_set = changesets.pending_changes(drafts[0]).get().change_set
            self.message_user(
                request,
                format_html(
                    gettext(
                        '{records} in your change set <a href="{url}">{change_set}</a>: hidden '
                        "from the public until a reviewer approves it, and ready to be cited in "
                        "it now."
                    ),
                    records="; ".join(f"“{record}”" for record in drafts),
                    url=change_set.get_absolute_url(),
                    change_set=change_set,
                ),
                messages.SUCCESS,
            )
            if change is None:  # nothing else was edited
                if "_continue" in request.POST:
                    return redirect(request.path)
                return redirect(change_set.get_absolute_url())
        return self._after_keeping(request, obj, change)

    def _after_keeping(self, request, obj, change):
        change_set = change.change_set
        self.message_user(
            request,
            format_html(
                gettext(
                    'Kept in your change set <a href="{url}">{change_set}</a>. The public sees '
                    "the published version until a reviewer approves it."
                ),
                url=change_set.get_absolute_url(),
                change_set=change_set,
            ),
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            if obj is not None:
                return redirect(request.path)
            return redirect(f"{request.path}?change={change.pk}")
        return redirect(change_set.get_absolute_url())

    def _add_rows_as_drafts(self, request, obj, data):
        """The new rows of `rows_added_as_drafts` models, validated by the rehearsal, added
        through their own add page as hidden drafts of the change set; the form's data
        without them. Raises ValidationError with the add page's errors."""
        from .entry import add_through_admin  # it builds on this module

        drafts: list = []
        if obj is None:
            return data, drafts
        for formset, rows in getattr(request, "rows_as_drafts", []):
            part_admin = self.admin_site.get_model_admin(formset.model)
            for row in rows:
                values = {
                    name: request.POST.getlist(row.add_prefix(name))
                    for name in row.fields
                    if name not in ("id", "DELETE", formset.fk.name)
                }
                values[formset.fk.name] = [str(obj.pk)]
                record, errors = add_through_admin(part_admin, request, values)
                if record is None:
                    raise ValidationError(errors)
                drafts.append(record)
            data = without_new_rows(data, formset.prefix)
        return data, drafts

    def get_formset_kwargs(self, request, obj, inline, prefix):
        if getattr(request, "replaying", False):
            # Django's own (ModelAdmin.get_formset_kwargs), but where it gives each inline a
            # deep copy of the request's data, each reads a replayed form's as it is: it is
            # read-only (query_dict(): a formset that wrote to it would fail).
            kwargs = {
                "instance": obj,
                "prefix": prefix,
                "queryset": inline.get_queryset(request),
                "data": request.POST,
                "files": request.FILES,
                "save_as_new": "_saveasnew" in request.POST,
            }
        else:
            kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        rows_ahead = getattr(request, "rows_ahead", None)
        takes_rows = getattr(inline.formset, "takes_rows", False)  # LoadedChoicesFormSet
        if rows_ahead is not None and obj.pk is not None and takes_rows:
            kwargs["rows"] = rows_ahead.rows(inline, kwargs["queryset"], obj)
        return kwargs

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if getattr(request, "capturing_draft", False) and (
            formset.model in self.rows_added_as_drafts
        ):
            saved = formset.new_objects
            new = [row for row in formset.extra_forms if any(row.instance is o for o in saved)]
            request.rows_as_drafts = [*getattr(request, "rows_as_drafts", []), (formset, new)]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Whether the edit changes more than rows added as drafts (then it is kept).
        request.edit_changes_more = form.has_changed() or any(
            formset.changed_objects
            or formset.deleted_objects
            or (formset.new_objects and formset.model not in self.rows_added_as_drafts)
            for formset in formsets
        )

    def _show_draft(self, request, change, object_id, form_url, context):
        """The change page with the kept form in it, as it was submitted; nothing saved."""
        draft_request = copy.copy(request)
        draft_request.method = "POST"
        draft_request.POST = query_dict(change.form_data or {})
        draft_request._files = MultiValueDict()
        draft_request._dont_enforce_csrf_checks = True
        draft_request.showing_draft = True
        with transaction.atomic():
            response = super().changeform_view(draft_request, object_id, form_url, context)
            if hasattr(response, "render"):
                response.render()
            transaction.set_rollback(True)
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        if reuses_form_classes(request, kwargs):
            may_change = change and self.has_change_permission(request, obj)
            key = form_class_key(self, request, obj, kwargs, change, may_change)
            build = super().get_form
            return built_once(request, key, lambda: build(request, obj, change, **kwargs))
        form = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "showing_draft", False):
            return form

        class ShownDraft(form):
            def is_valid(self):
                super().is_valid()  # its errors are shown; it is never saved from here
                return False

        return ShownDraft

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.saved_object = obj
        drafting = getattr(request, "capturing_draft", False) or getattr(
            request, "replaying", False
        )
        if not drafting and not self.is_live(obj):
            added = changesets.add_new(user=request.user, obj=obj)
            if added is not None and IS_POPUP_VAR not in request.POST:
                # Where it waits, and the way there to submit it with the rest (a pop-up's
                # record is said with the record it was added for).
                self.message_user(
                    request,
                    format_html(
                        gettext(
                            '“{record}” is in your change set <a href="{url}">{change_set}</a>: '
                            "the public sees it once a reviewer approves the change set."
                        ),
                        record=obj,
                        url=added.change_set.get_absolute_url(),
                        change_set=added.change_set,
                    ),
                    messages.INFO,
                )

    def message_user(self, request, *args, **kwargs):
        # A rehearsed or replayed save says nothing: the change set's page does.
        if getattr(request, "capturing_draft", False) or getattr(request, "replaying", False):
            return
        super().message_user(request, *args, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if self.additions_wait or match is None or match.url_name != "autocomplete":
            return queryset, may_have_duplicates
        # In a picker, the records the user has just added come first: entering a case,
        # the new source, actor or provision is what is picked next.
        mine = Change.objects.filter(
            change_set__in=ChangeSet.objects.editable_by(request.user),
            kind=ChangeKind.NEW,
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        ordering = queryset.query.order_by or self.get_ordering(request) or ("pk",)
        queryset = queryset.annotate(in_my_change_set=Exists(mine))
        return queryset.order_by("-in_my_change_set", *ordering), may_have_duplicates

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method == "POST" and obj is not None and self.is_live(obj):
            if not self.has_delete_permission(request, obj):
                raise PermissionDenied
            change = changesets.save_deletion(user=request.user, obj=obj)
            self.message_user(
                request,
                gettext("The deletion of “%(record)s” waits in your change set “%(change_set)s”.")
                % {"record": obj, "change_set": change.change_set},
                messages.SUCCESS,
            )
            return redirect(change.change_set.get_absolute_url())
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a deletion waits for review, one by one
        return actions


@admin.register(ChangeSet)
class ChangeSetAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "created_by", "updated_at", "reviewed_by")
    list_filter = ("status",)
    list_select_related = ("created_by", "reviewed_by")
    search_fields = ("title", "review_comment")
    fields = ("title",)
    change_form_template = "admin/cases/changeset_review.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_staff
        return obj.created_by_id == request.user.pk and obj.is_editable

    def get_urls(self):
        return [
            path(
                "<int:pk>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="cases_changeset_workflow",
            ),
            path(
                "<int:pk>/changes/<int:change_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="cases_changeset_preview",
            ),
            path(
                "<int:pk>/changes/<int:change_id>/remove/",
                self.admin_site.admin_view(self.remove_view),
                name="cases_changeset_remove",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change_set = get_object_or_404(ChangeSet, pk=object_id)
        diffs, problems = changesets.diff(change_set)
        user = request.user
        authors = changesets.authors(change_set)  # the approval's own four-eyes rule
        context = {
            **(extra_context or {}),
            "diffs": diffs,
            "problems": problems,
            "is_author": change_set.created_by_id == user.pk,
            "can_review": (
                changesets.can_approve(user)
                and user.pk not in authors
                and change_set.status == ChangeSetStatus.SUBMITTED
            ),
        }
        for diff in diffs:
            diff.edit_url = self._edit_url(diff.change)
            diff.preview_url = reverse(
                "admin:cases_changeset_preview", args=[change_set.pk, diff.change.pk]
            )
        return super().change_view(request, object_id, form_url, context)

    @staticmethod
    def _edit_url(change: Change) -> str:
        if change.kind == ChangeKind.IMPORT:
            return ""  # a file is corrected by uploading it again
        opts = change.model._meta
        if change.kind == ChangeKind.ADDITION:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            return f"{url}?change={change.pk}"
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[change.object_id])

    def workflow_view(self, request, pk, action):
        if request.method != "POST":
            return redirect("admin:cases_changeset_change", pk)
        change_set = get_object_or_404(ChangeSet, pk=pk)
        user, comment = request.user, request.POST.get("review_comment", "")
        done = {
            "submit": _("Change set “%(change_set)s” is submitted for review."),
            "approve": _("Change set “%(change_set)s” is approved: its changes are published."),
            "request-changes": _("Change set “%(change_set)s” is returned to its author."),
            "discard": _("Change set “%(change_set)s” is discarded."),
        }
        if action not in done:
            return redirect("admin:cases_changeset_change", pk)
        try:
            if action == "submit":
                changesets.submit(change_set=change_set, user=user)
            elif action == "approve":
                changesets.approve(change_set=change_set, reviewer=user, comment=comment)
            elif action == "request-changes":
                changesets.request_changes(change_set=change_set, reviewer=user, comment=comment)
            else:
                changesets.discard(change_set=change_set, user=user)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, done[action] % {"change_set": change_set})
        return redirect("admin:cases_changeset_change", pk)

    def preview_view(self, request, pk, change_id):
        """The record's public page as it will be once the change set is approved: the
        public view itself, run on the changes applied in a transaction then rolled back."""
        change_set = get_object_or_404(ChangeSet, pk=pk)
        get_object_or_404(Change, pk=change_id, change_set=change_set)
        try:
            with changesets.applied(change_set) as changes:
                change = next(c for c in changes if c.pk == change_id)
                record = change.live_record()
                url = changesets.public_url(record) if record is not None else ""
                if not url:
                    raise Http404("This record has no public page.")
                public = copy.copy(request)
                public.user = AnonymousUser()
                public.method = "GET"
                match = resolve(url)
                response = match.func(public, *match.args, **match.kwargs)
                if hasattr(response, "render"):
                    response.render()
        except ValidationError as error:
            context = {
                **self.admin_site.each_context(request),
                "title": "The change set cannot be previewed",
                "opts": self.model._meta,
                "problems": error.messages,
                "change_set": change_set,
            }
            return TemplateResponse(request, "admin/cases/changeset_problems.html", context)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "no-store"
        return response

    def remove_view(self, request, pk, change_id):
        change = get_object_or_404(Change, pk=change_id, change_set_id=pk)
        if request.method == "POST":
            try:
                changesets.remove_change(change=change, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("“%(record)s” is out of the change set.") % {"record": change.label},
                )
            return redirect("admin:cases_changeset_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Take “%(record)s” out of the change set?") % {"record": change.label},
            "opts": self.model._meta,
            "change": change,
        }
        return TemplateResponse(request, "admin/cases/changeset_remove.html", context)
