"""The change-set workflow: open -> submitted -> approved (or changes requested, discarded).

Every function here checks who may do it and refuses with a message that says why. The
approval publishes a whole change set in one transaction: each edit is replayed through
the admin form it was entered in (cases/admin/changesets.py), so the same validation,
derived values and history apply as to any save, and a reader sees all of it or none.
See docs/change-sets.md.
"""

import base64
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import services
from cases.models import (
    Actor,
    Citation,
    Incident,
    Instrument,
    Provision,
    SecurityCouncilReferral,
    Source,
    TreatyEvent,
)
from cases.models.actions import AccountabilityAction
from cases.models.base import PublicationStatus, Publishable
from cases.models.changesets import (
    EDITABLE,
    PENDING,
    Change,
    ChangeKind,
    ChangeSet,
    ChangeSetStatus,
)

if TYPE_CHECKING:
    from cases.admin.changesets import RowsAhead

Status = ChangeSetStatus
APPROVE_PERMISSION = "cases.approve_changeset"
# Who may upload a file to import (it may change any record, so it is reviewed).
IMPORT_PERMISSIONS = ("cases.add_incident", "cases.change_incident")

# Not content: who and when, and values the database or a service derives (as are the
# fields nobody edits, skipped too).
BOOKKEEPING = {"id", "updated_at", "search_names"}

# New records are published in this order, each after what its checks need public (an
# incident's cited source, an action's issuing body).
PUBLISH_ORDER = (Provision, Source, Actor, Instrument, Incident, AccountabilityAction)


def can_approve(user: User) -> bool:
    return user.has_perm(APPROVE_PERMISSION)


def open_change_set(user: User) -> ChangeSet:
    """The change set the user's next edit goes into: their latest one still open (not an
    upload's: an import is reviewed on its own), or a new one named after them and the day."""
    current = ChangeSet.objects.editable_by(user).exclude(changes__kind=ChangeKind.IMPORT).first()
    if current is not None:
        return current
    name = user.get_full_name() or user.get_username()
    return ChangeSet.objects.create(
        title=_("Changes by %(name)s, %(date)s")
        % {"name": name, "date": date_format(timezone.localdate())},
        created_by=user,
    )


def pending_changes(obj) -> models.QuerySet:
    """The changes of this record waiting in change sets not yet approved nor discarded."""
    return Change.objects.of(obj).filter(change_set__status__in=PENDING)


# What a record is, for conflicts and for the reviewer's diff ---------------------------


def shown_value(obj, model_field) -> str:
    value = getattr(obj, model_field.attname)
    if value in (None, ""):
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return str(getattr(obj, model_field.name))
    if hasattr(value, "isoformat") and not hasattr(value, "hour"):
        return date_format(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _content_fields(obj, skip: str = "") -> list:
    return [
        f for f in obj._meta.concrete_fields if f.editable and f.name not in BOOKKEEPING | {skip}
    ]


def _values(obj, skip: str = "") -> dict[str, list[str]]:
    """{field name: [stored value, value as shown]} of a row's content."""
    values = {}
    for model_field in _content_fields(obj, skip):
        values[model_field.name] = [model_field.value_to_string(obj), shown_value(obj, model_field)]
    for model_field in obj._meta.many_to_many:
        related = sorted(getattr(obj, model_field.name).all(), key=lambda r: str(r.pk))
        values[model_field.name] = [
            ",".join(str(r.pk) for r in related),
            "; ".join(str(r) for r in related),
        ]
    return values


def part_relations(model) -> list[tuple[type[models.Model], str]]:
    """The rows edited with a record on its admin page: each inline's model and the field
    naming the record. What the page replays is what a snapshot covers."""
    from django.contrib import admin
    from django.forms.models import _get_foreign_key

    model_admin = admin.site._registry.get(model)
    relations = []
    for inline in getattr(model_admin, "inlines", ()):
        fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        relations.append((inline.model, fk.name))
        # A row that names its source (cases.admin.sources.SourceInRowForm): its citation.
        if cites := getattr(inline.form, "cites", ""):
            relations.append((Citation, f"{cites}__{fk.name}"))
    return relations


def _relations(model, prefix: str = "", skip: str = "") -> list[str]:
    """The editable foreign keys of a model, as select_related() paths (a provision's with
    its instrument, which its name shows)."""
    paths = []
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation and model_field.editable and model_field.name != skip:
            paths.append(f"{prefix}{model_field.name}")
            if model_field.related_model is Provision:
                paths.append(f"{prefix}{model_field.name}__instrument")
    return paths


def _with_related(queryset: models.QuerySet, skip: str = "") -> models.QuerySet:
    """The rows with what _values() shows of their relations (a related record's name, and
    what that name reads: a citation's involvement names its actor and incident), in a
    fixed number of queries however many rows."""
    model = queryset.model
    joins, prefetches = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation and model_field.editable and model_field.name != skip:
            joins.append(model_field.name)
            if model_field.related_model is Provision:
                joins.append(f"{model_field.name}__instrument")
            else:
                joins.extend(_relations(model_field.related_model, f"{model_field.name}__"))
    for model_field in model._meta.many_to_many:
        related = model_field.related_model._default_manager.all()
        if model_field.related_model is Provision:
            related = related.select_related("instrument")
        prefetches.append(models.Prefetch(model_field.name, queryset=related))
    return queryset.select_related(*joins).prefetch_related(*prefetches)


def snapshot(obj) -> dict:
    """The record's content and its parts': what a conflict is judged on and a diff shows."""
    model = type(obj)
    obj = _with_related(model._default_manager.filter(pk=obj.pk)).get()
    parts: dict[str, dict[str, dict]] = {}
    for part_model, fk_name in part_relations(model):
        rows = _with_related(part_model._default_manager.filter(**{fk_name: obj}), fk_name)
        # Citations come by several paths (of the record, of its qualifications, ...).
        parts.setdefault(part_model._meta.label_lower, {}).update(
            {str(row.pk): _values(row, skip=fk_name) for row in rows.order_by("pk")}
        )
    return {"fields": _values(obj), "parts": parts}


def _stored(state: dict) -> dict:
    """Only the stored values: a related record renamed is no conflict."""
    return {
        "fields": {name: pair[0] for name, pair in state["fields"].items()},
        "parts": {
            label: {pk: {n: p[0] for n, p in row.items()} for pk, row in rows.items()}
            for label, rows in state["parts"].items()
        },
    }


def _stored_values(obj, skip: str = "") -> dict[str, str]:
    """A row's stored values, as _stored() keeps of _values(): no related record read."""
    values = {f.name: f.value_to_string(obj) for f in _content_fields(obj, skip)}
    for model_field in obj._meta.many_to_many:
        related = sorted(getattr(obj, model_field.name).all(), key=lambda r: str(r.pk))
        values[model_field.name] = ",".join(str(r.pk) for r in related)
    return values


def stored_states(model, pks: list[str]) -> dict[str, dict]:
    """{pk: _stored(snapshot(record))} of many live records of one model, in a fixed number
    of queries (a record's, its many-to-many fields', and one a kind of part): what the
    approval judges conflicts on, without reading the related records a diff shows."""
    m2m = [f.name for f in model._meta.many_to_many]
    records = model._default_manager.filter(pk__in=pks).prefetch_related(*m2m)
    states: dict[str, dict] = {
        str(r.pk): {"fields": _stored_values(r), "parts": {}} for r in records
    }
    for part_model, fk_name in part_relations(model):
        label = part_model._meta.label_lower
        for state in states.values():
            state["parts"].setdefault(label, {})
        rows = (
            part_model._default_manager.filter(**{f"{fk_name}__in": list(states)})
            .annotate(changeset_record=models.F(fk_name))
            .prefetch_related(*(f.name for f in part_model._meta.many_to_many))
            .order_by("pk")
        )
        for row in rows:
            parts = states[str(row.changeset_record)]["parts"][label]
            parts[str(row.pk)] = _stored_values(row, skip=fk_name)
    return states


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class PartChange:
    what: str  # the kind of part: "involvement"
    how: str  # added, removed, changed
    label: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RecordDiff:
    change: Change
    fields: list[FieldChange]
    parts: list[PartChange]
    conflict: list[str] = field(default_factory=list)
    edit_url: str = ""
    preview_url: str = ""
    # An import's rows by file: (file, to create, to update, unchanged, rejected).
    counts: list[tuple[str, int, int, int, int]] = field(default_factory=list)


def compare(model, before: dict | None, after: dict | None) -> tuple[list, list]:
    """The field and part changes between two snapshots (None: no record)."""
    before = before or {"fields": {}, "parts": {}}
    after = after or {"fields": {}, "parts": {}}
    fields = _field_changes(model, before["fields"], after["fields"])
    parts = []
    for label in sorted({*before["parts"], *after["parts"]}):
        part_model = _model_of(label)
        old, new = before["parts"].get(label, {}), after["parts"].get(label, {})
        what = str(part_model._meta.verbose_name)
        for pk in sorted({*old, *new}, key=lambda k: (len(k), k)):
            if pk not in new:
                parts.append(PartChange(what, "removed", _row_label(old[pk])))
            elif pk not in old:
                changes = _field_changes(part_model, {}, new[pk])
                parts.append(PartChange(what, "added", _row_label(new[pk]), changes))
            else:
                changes = _field_changes(part_model, old[pk], new[pk])
                if changes:
                    parts.append(PartChange(what, "changed", _row_label(new[pk]), changes))
    return fields, parts


def _model_of(label: str):
    app_label, model_name = label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model_name).model_class()


def _row_label(values: dict) -> str:
    shown = [pair[1] for pair in values.values() if pair[1]]
    return " · ".join(shown[:3])


def _field_changes(model, old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for name in [*new, *(n for n in old if n not in new)]:
        before, after = old.get(name, ["", ""]), new.get(name, ["", ""])
        # An empty value stored as None reads "None": nothing to show against no value.
        if before[0] != after[0] and (before[1] or after[1]):
            label = str(model._meta.get_field(name).verbose_name)
            changes.append(FieldChange(label[:1].upper() + label[1:], before[1], after[1]))
    return changes


def conflicts(change: Change) -> list[str]:
    """What changed in the live record since its edit began (field and part labels)."""
    if change.kind not in (ChangeKind.EDIT, ChangeKind.DELETION) or change.base is None:
        return []
    live = change.live_record()
    if live is None:
        return [gettext("The record was deleted.")]
    now = snapshot(live)
    if _stored(now) == _stored(change.base):
        return []
    fields, parts = compare(change.model, change.base, now)
    return [f.label for f in fields] + [f"{p.what} {p.how}: {p.label}" for p in parts]


# Saving edits into a change set --------------------------------------------------------


def _editable(change_set: ChangeSet, user: User) -> None:
    if change_set.created_by_id != user.pk:
        raise PermissionDenied(_("Only the author of a change set changes it."))
    if not change_set.is_editable:
        raise ValidationError(
            _("Change set “%(change_set)s” is %(status)s: it cannot change.")
            % {"change_set": change_set, "status": change_set.get_status_display().lower()}
        )


@transaction.atomic
def save_edit(
    *,
    user: User,
    obj,
    form_data: dict,
    label: str,
    change: Change | None = None,
    rebase: bool = False,
) -> Change:
    """Keep an edit of a live record (or, with obj None, a new one) in the user's change
    set; the live record does not change. A second edit of the same record replaces the
    first; `rebase` accepts the live record as it is now as the edit's starting point."""
    if change is None and obj is not None:
        mine = ChangeSet.objects.editable_by(user)
        change = pending_changes(obj).filter(change_set__in=mine).first()
    if change is None:
        change_set = open_change_set(user)
        kind = ChangeKind.EDIT if obj is not None else ChangeKind.ADDITION
        change = Change(
            change_set=change_set,
            kind=kind,
            content_type=ContentType.objects.get_for_model(obj or form_data["_model"]),
            object_id=str(obj.pk) if obj is not None else "",
            base=snapshot(obj) if obj is not None else None,
            author=user,
        )
    _editable(change.change_set, user)
    if rebase and obj is not None:
        change.base = snapshot(obj)
    change.form_data = {k: v for k, v in form_data.items() if k != "_model"}
    change.label = label[:300]
    change.save()
    change.change_set.save(update_fields=["updated_at"])
    return change


@transaction.atomic
def save_deletion(*, user: User, obj) -> Change:
    """Ask for a live row (a treaty act, a state, ...) to be deleted, on approval."""
    change_set = open_change_set(user)
    change, _ = Change.objects.update_or_create(
        change_set=change_set,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        defaults={
            "kind": ChangeKind.DELETION,
            "label": str(obj)[:300],
            "form_data": None,
            "base": snapshot(obj),
            "author": user,
        },
    )
    change_set.save(update_fields=["updated_at"])
    return change


def add_new(*, user: User, obj) -> Change | None:
    """A record saved as a hidden draft joins the user's change set, to be published by its
    approval; unless a change set not yet approved holds it already."""
    if pending_changes(obj).exists():
        return None
    change_set = open_change_set(user)
    change = Change.objects.create(
        change_set=change_set,
        kind=ChangeKind.NEW,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        label=str(obj)[:300],
        author=user,
    )
    if isinstance(obj, Provision) and obj.proposed_in_id is None:
        obj.proposed_in = change_set
        obj.save(update_fields=["proposed_in"])
    change_set.save(update_fields=["updated_at"])
    return change


def remove_change(*, change: Change, user: User) -> None:
    """Take one record's edit out of a change set (a new draft record is deleted with it:
    nobody but staff ever saw it)."""
    _editable(change.change_set, user)
    with transaction.atomic():
        _forget(change)
        change.delete()


def _forget(change: Change) -> None:
    if change.kind == ChangeKind.NEW:
        record = change.live_record()
        if record is not None and not _is_public(record):
            record.delete()


def _is_public(record) -> bool:
    if isinstance(record, Publishable):
        return record.publication_status == PublicationStatus.PUBLISHED
    if isinstance(record, Provision):
        return record.proposed_in_id is None
    return True


# The workflow --------------------------------------------------------------------------


def authors(change_set: ChangeSet) -> set[int]:
    """Everyone who wrote part of the change set: none of them may review it."""
    people = {change_set.created_by_id}
    people |= set(change_set.changes.values_list("author_id", flat=True))
    # A new record is a draft in the live table, which other staff may edit on its page
    # directly: whoever did wrote part of the change set too (its history says who).
    new: dict[int, list[str]] = {}
    for type_id, pk in change_set.changes.filter(kind=ChangeKind.NEW).values_list(
        "content_type_id", "object_id"
    ):
        new.setdefault(type_id, []).append(pk)
    for type_id, pks in new.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None and hasattr(model, "history"):
            editors = model.history.filter(id__in=pks).values_list("history_user_id", flat=True)
            people |= set(editors) - {None}
    return people


@transaction.atomic
def submit(*, change_set: ChangeSet, user: User) -> ChangeSet:
    _editable(change_set, user)
    if not change_set.changes.exists():
        raise ValidationError(_("The change set is empty: there is nothing to review."))
    change_set.status = Status.SUBMITTED
    change_set.submitted_at = timezone.now()
    change_set.save()
    return change_set


@transaction.atomic
def request_changes(*, change_set: ChangeSet, reviewer: User, comment: str) -> None:
    _review_allowed(change_set, reviewer)
    if not comment.strip():
        raise ValidationError({"review_comment": _("Say what should change: the author reads it.")})
    change_set.status = Status.CHANGES_REQUESTED
    change_set.reviewed_by = reviewer
    change_set.reviewed_at = timezone.now()
    change_set.review_comment = comment.strip()
    change_set.save()


@transaction.atomic
def discard(*, change_set: ChangeSet, user: User) -> None:
    """The author drops a change set not yet published: its new drafts are deleted, the live
    records were never touched."""
    if change_set.created_by_id != user.pk:
        raise PermissionDenied(_("Only the author of a change set discards it."))
    if change_set.status not in (*EDITABLE, Status.SUBMITTED):
        raise ValidationError(
            _("Change set “%(change_set)s” is %(status)s.")
            % {"change_set": change_set, "status": change_set.get_status_display().lower()}
        )
    for change in change_set.changes.order_by("-pk"):
        _forget(change)
    change_set.status = Status.DISCARDED
    change_set.save()


def _review_allowed(change_set: ChangeSet, reviewer: User) -> None:
    if not can_approve(reviewer):
        raise PermissionDenied(_("Only a reviewer approves change sets or asks for changes."))
    if change_set.status != Status.SUBMITTED:
        raise ValidationError(
            _("Change set “%(change_set)s” is %(status)s: only a submitted change set is reviewed.")
            % {"change_set": change_set, "status": change_set.get_status_display().lower()}
        )
    if reviewer.pk in authors(change_set):
        raise PermissionDenied(
            _("You made changes in this change set: another reviewer must review it.")
        )


@transaction.atomic
def approve(*, change_set: ChangeSet, reviewer: User, comment: str = "") -> list:
    """Publish every change of the set, in one transaction, or none of them.

    Refused for the set's authors (four eyes), while an edit is in conflict with the live
    record, and with every message of a change that no longer validates. Every record it
    touches gets the same updated_at, so a partner syncing never sees half of it.
    """
    change_set = ChangeSet.objects.select_for_update().get(pk=change_set.pk)
    _review_allowed(change_set, reviewer)
    changes = _changes(change_set)
    in_conflict = [
        _(
            "“%(record)s” changed since the edit began (%(changed)s): its author must look at "
            "the newer version and save the edit again."
        )
        % {"record": change.label, "changed": ", ".join(found)}
        for change in _changed_since(changes)
        if (found := conflicts(change))
    ]
    if in_conflict:
        raise ValidationError(in_conflict)
    touched = apply(change_set, changes, reviewer)
    now = timezone.now()
    by_model: dict[type[models.Model], list] = {}
    for record in touched:
        by_model.setdefault(type(record), []).append(record.pk)
    for model, pks in by_model.items():
        model._default_manager.filter(pk__in=pks).update(updated_at=now)
    change_set.status = Status.APPROVED
    change_set.reviewed_by = reviewer
    change_set.reviewed_at = now
    change_set.review_comment = comment.strip()
    change_set.save()
    return touched


def _changes(change_set: ChangeSet) -> list[Change]:
    """The changes of a set, each author one user object: their permissions, read on the
    first replay of their edits, are not read again for each of the others."""
    changes = list(change_set.changes.select_related("content_type", "author"))
    users: dict[int, User] = {}
    for change in changes:
        change.author = users.setdefault(change.author_id, change.author)
    return changes


def _changed_since(changes: list[Change]) -> list[Change]:
    """The edits whose live record is no longer as it was when the edit began (or is gone):
    judged on stored values, all the records of a model at once; conflicts() then says
    what changed, for these only."""
    judged: dict[type, list[Change]] = {}
    for change in changes:
        if change.kind in (ChangeKind.EDIT, ChangeKind.DELETION) and change.base is not None:
            judged.setdefault(change.model, []).append(change)
    changed = []
    for model, of_model in judged.items():
        now = stored_states(model, [change.object_id for change in of_model])
        changed += [c for c in of_model if now.get(c.object_id) != _stored(c.base or {})]
    return changed


def runs_of_edits(changes: list[Change]) -> dict[int, "RowsAhead"]:
    """{change pk: its run} for the edits replayed one after the other with no change of
    another kind between them, of records of one model, by one author: the runs whose
    inline rows are read once (cases.admin.changesets.RowsAhead). New records are
    published before any replay and do not end a run."""
    from cases.admin.changesets import RowsAhead

    runs: dict[int, RowsAhead] = {}
    run: RowsAhead | None = None
    of = None
    for change in changes:
        if change.kind == ChangeKind.NEW:
            continue
        if change.kind != ChangeKind.EDIT:
            run = None
            continue
        if run is None or of != (change.model, change.author_id):
            run, of = RowsAhead([]), (change.model, change.author_id)
        run.pks.append(change.object_id)
        runs[change.pk] = run
    return runs


def apply(
    change_set: ChangeSet, changes: list[Change], reviewer: User, checked: bool = True
) -> list:
    """Make every change live, in the caller's transaction; the records touched. Unchecked
    (for a preview), new records are published without the reviewer's permission checks."""
    from cases.admin.changesets import replay

    errors, touched = [], []
    # The incidents whose search names the replays change, refreshed once at the end.
    search_names: set[int] = set()
    # The admin's form and formset classes, built once for all the replays of a page, and
    # the inline rows of each run of edits, read once for the run.
    form_classes: dict = {}
    runs = runs_of_edits(changes)
    rank = {model: index for index, model in enumerate(PUBLISH_ORDER)}
    new = sorted(
        (c for c in changes if c.kind == ChangeKind.NEW),
        key=lambda c: (rank.get(c.model, len(rank)), c.pk),
    )
    for change in new:
        record = change.live_record()
        if record is None:
            errors.append(_("“%(record)s” was deleted.") % {"record": change.label})
            continue
        try:
            _publish_new(record, reviewer, change_set, checked)
        except (ValidationError, PermissionDenied) as error:
            errors.extend(_messages(error))
            continue
        touched.append(record)
    for change in changes:
        if change.kind == ChangeKind.NEW:
            continue
        if change.kind == ChangeKind.DELETION:
            record = change.live_record()
            if record is not None:
                record.delete()
            continue
        if change.kind == ChangeKind.IMPORT:
            # Its rows carry the import's own instant (one for all of them), not touched's.
            report = run_import(change, change_set)
            errors.extend(_import_problems(change, report))
            continue
        try:
            record = replay(
                change,
                change_set,
                search_names=search_names,
                form_classes=form_classes,
                rows_ahead=runs.get(change.pk),
            )
        except ValidationError as error:
            errors.extend(_record_problem(change, m) for m in error.messages)
            continue
        if change.kind == ChangeKind.ADDITION:
            change.object_id = str(record.pk)
            change.save(update_fields=["object_id"])
        touched.append(record)
    if errors:
        raise ValidationError(errors)
    services.refresh_search_names(incidents=search_names)
    return touched


def _publish_new(record, reviewer, change_set: ChangeSet, checked: bool) -> None:
    if isinstance(record, Provision):
        record.proposed_in = None
        record._change_reason = change_set.history_reason
        record.save(update_fields=["proposed_in"])
        services.refresh_search_names(provisions=[record.pk])
    elif (
        isinstance(record, Publishable) and record.publication_status != PublicationStatus.PUBLISHED
    ):
        record._change_reason = change_set.history_reason
        if checked:
            services.publish(record=record, reviewer=reviewer)
        else:
            services.save_status(record, reviewer, PublicationStatus.PUBLISHED, "")


def _messages(error: Exception) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


@contextmanager
def applied(change_set: ChangeSet):
    """The database as it will be once the change set is approved, for the duration of the
    block, then rolled back: what a preview reads. Yields the changes, an addition's
    `object_id` filled in; raises what the approval would refuse to apply."""
    changes = _changes(change_set)
    with transaction.atomic():
        try:
            apply(change_set, changes, change_set.created_by, checked=False)
            yield changes
        finally:
            transaction.set_rollback(True)


def public_url(record) -> str:
    """Where the public reads the record, or the record it is shown on."""
    if isinstance(record, TreatyEvent):
        record = record.state
    elif isinstance(record, SecurityCouncilReferral):
        record = record.instrument
    return record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""


def diff(change_set: ChangeSet) -> tuple[list[RecordDiff], list[str]]:
    """Each change of the set as the reviewer reads it: the live record before, the record
    once approved; and the problems the approval would refuse (empty when it can go)."""
    changes = _changes(change_set)
    if change_set.status == Status.APPROVED:
        return _approved_diff(changes), []
    before: dict[int, dict | None] = {}
    for change in changes:
        live = change.live_record()
        if change.kind == ChangeKind.NEW or live is None:
            before[change.pk] = None
        else:
            before[change.pk] = snapshot(live)
    after: dict[int, dict | None] = {}
    problems: list[str] = []
    try:
        with transaction.atomic():
            apply_errors = _apply_for_diff(change_set, changes)
            for change in changes:
                record = change.live_record() if change.object_id else None
                record = record or getattr(change, "_replayed", None)
                after[change.pk] = snapshot(record) if record is not None else None
            problems.extend(apply_errors)
            transaction.set_rollback(True)
    except ValidationError as error:
        problems.extend(error.messages)
    diffs = []
    for change in changes:
        if change.kind == ChangeKind.IMPORT:
            diffs.append(_import_diff(change))
            continue
        fields, parts = compare(change.model, before[change.pk], after.get(change.pk))
        diffs.append(RecordDiff(change, fields, parts, conflicts(change)))
    return diffs, problems


def _approved_diff(changes: list[Change]) -> list[RecordDiff]:
    """What an approved change set changed: each record as its edit began, and as it is now.
    Its forms are not replayed again: they are in the live records (a row they added would
    be added twice)."""
    diffs = []
    for change in changes:
        live = change.live_record()
        after = snapshot(live) if live is not None else None
        fields, parts = compare(change.model, change.base, after)
        diffs.append(RecordDiff(change, fields, parts))
    return diffs


def _apply_for_diff(change_set: ChangeSet, changes: list[Change]) -> list[str]:
    """Replay each change on its own (errors are listed, not raised), in a savepoint."""
    from cases.admin.changesets import replay

    problems = []
    form_classes: dict = {}  # as in apply()
    for change in changes:
        if change.kind == ChangeKind.IMPORT:
            change._report = run_import(change, change_set, dry_run=True)
            problems.extend(_import_problems(change, change._report))
            continue
        if change.kind in (ChangeKind.NEW, ChangeKind.DELETION):
            if change.kind == ChangeKind.DELETION and (record := change.live_record()):
                with transaction.atomic():
                    record.delete()
            continue
        try:
            with transaction.atomic():
                # Search names are not content (BOOKKEEPING): not refreshed for a diff.
                change._replayed = replay(
                    change, change_set, search_names=set(), form_classes=form_classes
                )
        except ValidationError as error:
            problems.extend(_record_problem(change, m) for m in error.messages)
        except IntegrityError:
            # A row the live record got since (another change set's) repeats one of the edit.
            problems.append(
                _(
                    "“%(record)s”: a row of the edit is already in the live record; its author "
                    "must save the edit again over the newer version."
                )
                % {"record": change.label}
            )
    return problems


# Imports: an uploaded file kept in a change set, imported when it is approved -------------


def _import_file(name: str, content: bytes, **options):
    """Run the importer (cases.exchange.importer) on a file's content; its report."""
    from cases.exchange.importer import import_path

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"upload{Path(name).suffix.lower()}"
        path.write_bytes(content)
        return import_path(path, **options)


@transaction.atomic
def keep_import(*, user: User, name: str, content: bytes, create_vocabulary: bool) -> Change:
    """Keep an uploaded file whose dry run found no problem (run by the worker: its owner
    confirms it, jobs.services.keep_checked_upload) and its options as the one change of a
    new change set: nothing is imported until a reviewer approves it. The change."""
    if not user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied(_("Importing needs the permissions to add and change incidents."))
    title = _("Import of %(file)s") % {"file": name}
    change_set = ChangeSet.objects.create(title=title[:200], created_by=user)
    change = Change.objects.create(
        change_set=change_set,
        kind=ChangeKind.IMPORT,
        # The change names no one record: its change set stands for the records it lists.
        content_type=ContentType.objects.get_for_model(ChangeSet),
        label=name[:300],
        form_data={
            "name": name,
            "content": base64.b64encode(content).decode("ascii"),
            "create_vocabulary": create_vocabulary,
        },
        author=user,
    )
    return change


def run_import(change: Change, change_set: ChangeSet, *, dry_run: bool = False):
    """Import a kept file in the caller's transaction (its savepoint is rolled back on any
    problem, or for a dry run), as its author, every version naming the change set. A
    record the file changes that changed after the upload is a problem (a conflict).
    A dry run names the records it creates and updates, for the reviewer."""
    data = change.form_data or {}
    if not change.author.has_perms(IMPORT_PERMISSIONS):
        raise ValidationError(
            _("%(author)s may no longer import records.") % {"author": change.author}
        )
    context = HistoricalRecords.context
    previous = getattr(context, "request", None), getattr(context, "change_reason", None)
    # Versions written by signals (child rows an import replaces) say the same.
    context.request = SimpleNamespace(user=change.author)
    context.change_reason = change_set.history_reason
    try:
        return _import_file(
            data["name"],
            base64.b64decode(data["content"]),
            dry_run=dry_run,
            create_vocabulary=data["create_vocabulary"],
            user=change.author,
            reason=change_set.history_reason,
            changed_since=change.created_at,
            listing=dry_run,
        )
    finally:
        context.request, context.change_reason = previous


def _import_problems(change: Change, report) -> list[str]:
    problems = [_record_problem(change, problem) for problem in report.problems]
    if report.more_problems:
        problems.append(
            ngettext(
                "“%(record)s”: and %(count)d more problem.",
                "“%(record)s”: and %(count)d more problems.",
                report.more_problems,
            )
            % {"record": change.label, "count": report.more_problems}
        )
    return problems


def _record_problem(change: Change, problem) -> str:
    return _("“%(record)s”: %(problem)s") % {"record": change.label, "problem": problem}


def _import_diff(change: Change) -> RecordDiff:
    """What the import's dry run reports: the rows by file, and the records it creates and
    updates by name, each update field by field."""
    from cases.exchange.format import BY_FILE

    report = getattr(change, "_report", None)
    if report is None:
        return RecordDiff(change, [], [])
    parts: list[PartChange] = []
    for file, records in report.created_records.items():
        what = str(BY_FILE[file].model._meta.verbose_name)
        parts.extend(PartChange(what, "added", r.label) for r in records)
    for file, records in report.updated_records.items():
        what = str(BY_FILE[file].model._meta.verbose_name)
        parts.extend(
            PartChange(what, "changed", r.label, [FieldChange(*c) for c in r.changes])
            for r in records
        )
    return RecordDiff(change, [], parts, counts=report.rows)
