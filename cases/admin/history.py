"""A record's history as staff read it: its versions and its parts' (the rows edited on its
admin page: involvements, qualifications, citations...), grouped by save, each with who,
when, the change set that published it and its review comment, and what changed, with
labels instead of stored codes.

The diff is the reviewer's (cases.changesets.compare), fed with the values of historical
rows. The records the versions name are read in one query per model, whatever the number
of versions.
"""

import copy
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.forms import FileField, MultiWidget, NullBooleanSelect
from django.utils.formats import date_format
from simple_history.utils import get_m2m_reverse_field_name

from cases import changesets
from cases.models.changesets import ChangeSet

# A save of an admin page writes the record's version, then its inlines', in a moment:
# versions by the same person, for the same reason, this close belong to one save.
SAME_SAVE = timedelta(seconds=5)
CHANGE_SET_REASON = re.compile(r"^Change set #(\d+):")
HOW = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Version:
    """One save: the record's version (None when only parts changed) and what changed."""

    date: object
    user: object
    reason: str
    record_version: object = None
    change_set: ChangeSet | None = None
    how: str = ""
    fields: list = field(default_factory=list)
    parts: list = field(default_factory=list)


def _m2m_rows(history_model, model_field) -> str:
    """The name under which a version reaches its rows of a many-to-many field."""
    m2m_model = getattr(history_model, model_field.name).model
    return m2m_model._meta.get_field("history").remote_field.get_accessor_name()


def _versions(model, condition: Q) -> list:
    manager = model.history
    m2m = [_m2m_rows(manager.model, f) for f in manager.model._history_m2m_fields]
    return list(
        manager.filter(condition)
        .select_related("history_user")
        .prefetch_related(*m2m)
        .order_by("history_date", "history_id")
    )


def _content_fields(model, skip: str = "") -> list:
    """The fields a version shows: the content, as in a change set's diff."""
    return [
        f
        for f in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if f.editable and f.name not in changesets.BOOKKEEPING | {skip}
    ]


def _tracked(version, model_fields) -> list:
    names = {f.attname for f in version._meta.fields} | {
        f.name for f in version._history_m2m_fields
    }
    return [f for f in model_fields if (f.name if f.many_to_many else f.attname) in names]


def _m2m_ids(version, model_field) -> list:
    target = get_m2m_reverse_field_name(model_field)
    rows = getattr(version, _m2m_rows(type(version), model_field)).all()
    return sorted(getattr(row, f"{target}_id") for row in rows)


def _names(versions_by_model: dict) -> dict:
    """{(related model, pk): label} of every record the versions refer to, one query per
    related model (its own relations joined, which most labels read)."""
    wanted: dict[type, set] = {}
    for versions, model_fields in versions_by_model.values():
        for model_field in model_fields:
            if not model_field.is_relation:
                continue
            ids = wanted.setdefault(model_field.related_model, set())
            for version in versions:
                if model_field.many_to_many:
                    ids.update(_m2m_ids(version, model_field))
                elif (value := getattr(version, model_field.attname)) is not None:
                    ids.add(value)
    names = {}
    for related, ids in wanted.items():
        if not ids:
            continue
        joined = [
            f.name
            for f in related._meta.concrete_fields
            if f.many_to_one and f.name not in ("created_by", "updated_by")
        ]
        for pk, record in related._base_manager.select_related(*joined).in_bulk(ids).items():
            names[related, pk] = str(record)
    return names


def _values(version, model_fields, names: dict) -> dict[str, list[str]]:
    """{field name: [stored, shown]} of a version, as changesets.snapshot gives a record's."""
    values = {}
    for model_field in model_fields:
        if model_field.many_to_many:
            ids = _m2m_ids(version, model_field)
            related = model_field.related_model
            values[model_field.name] = [
                ",".join(str(pk) for pk in ids),
                "; ".join(names.get((related, pk), f"#{pk}") for pk in ids),
            ]
            continue
        value = getattr(version, model_field.attname)
        shown = _shown_stored(model_field, value, names)
        values[model_field.name] = [model_field.value_to_string(version), shown]
    return values


def _shown_stored(model_field, value, names: dict) -> str:
    if value in (None, ""):
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value} (deleted)")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat") and not hasattr(value, "hour"):
        return date_format(value)
    return str(value)


def _record(values: dict | None) -> dict | None:
    """A version as changesets.compare takes a record (None: not there)."""
    return None if values is None else {"fields": values, "parts": {}}


def _part(values: dict | None, label: str, pk: str) -> dict | None:
    return None if values is None else {"fields": {}, "parts": {label: {pk: values}}}


def record_history(model, pk) -> list[Version]:
    """The versions of the record and of its parts, newest save first."""
    sources = {model: (_versions(model, Q(**{model._meta.pk.attname: pk})), None, "")}
    # A part's rows by each path to the record: a citation of the incident, and of its
    # qualifications (by the ids those ever had under it, deleted ones too).
    conditions: dict = {}
    for part_model, path in changesets.part_relations(model):
        if not hasattr(part_model, "history"):
            continue
        first, *rest = path.split("__")
        if rest:
            via = part_model._meta.get_field(first).related_model
            ids = via.history.filter(**{f"{rest[0]}_id": pk}).values("id")
            condition = Q(**{f"{first}_id__in": ids})
        else:
            condition = Q(**{f"{first}_id": pk})
        skip, previous = conditions.get(part_model, (first if not rest else "", Q(pk__in=[])))
        conditions[part_model] = (skip or (first if not rest else ""), previous | condition)
    for part_model, (skip, condition) in conditions.items():
        sources[part_model] = (_versions(part_model, condition), skip, skip)
    by_model = {}
    for source_model, (versions, _, skip) in sources.items():
        model_fields = _content_fields(source_model, skip)
        if versions:
            model_fields = _tracked(versions[0], model_fields)
        by_model[source_model] = (versions, model_fields)
    names = _names(by_model)

    # Each version against the previous one of the same row: (date, order, diff entry).
    entries = []
    for order, (source_model, (versions, model_fields)) in enumerate(by_model.items()):
        previous: dict = {}
        label = source_model._meta.label_lower
        for version in versions:
            row_pk = str(getattr(version, source_model._meta.pk.attname))
            before = previous.get(row_pk)
            after = None if version.history_type == "-" else _values(version, model_fields, names)
            previous[row_pk] = after
            if source_model is model:
                fields, _ = changesets.compare(model, _record(before), _record(after))
                entries.append((version, order, "record", fields))
            else:
                part = (label, row_pk)
                _, parts = changesets.compare(model, _part(before, *part), _part(after, *part))
                entries.append((version, order, "part", parts))
    entries.sort(key=lambda e: (e[0].history_date, e[1], e[0].history_id))

    saves: list[Version] = []
    for version, _, kind, changes in entries:
        reason = version.history_change_reason or ""
        current = saves[-1] if saves else None
        if (
            current is None
            or current.user != version.history_user
            or current.reason != reason
            or version.history_date - current.date > SAME_SAVE
            or (kind == "record" and current.record_version is not None)
        ):
            current = Version(date=version.history_date, user=version.history_user, reason=reason)
            saves.append(current)
        if kind == "record":
            current.record_version = version
            current.how = HOW[version.history_type]
            current.fields = changes
        else:
            current.parts.extend(changes)

    # The change sets named by the versions' reasons, read at once.
    named = [(save, CHANGE_SET_REASON.match(save.reason)) for save in saves]
    found = {int(match[1]) for _, match in named if match}
    change_sets = ChangeSet.objects.select_related("reviewed_by").in_bulk(found)
    for save, match in named:
        if match:
            save.change_set = change_sets.get(int(match[1]))
    saves.reverse()
    return saves


# Restoring a version --------------------------------------------------------------------


def restored_form_data(model_admin, request, current, version) -> dict[str, list[str]]:
    """The change page's form as a browser would post it: the fields as they were in
    `version`, the inline rows (the parts) as they are now, each formset with its
    management form. What is restored is the record's own content; its parts are edited
    on the change page."""
    page = copy.copy(request)
    page.method = "GET"  # unbound forms, filled from the records
    form = model_admin.get_form(page, current, change=True)(instance=version.instance)
    for m2m in version._history_m2m_fields:
        if m2m.name in form.fields:  # the version's links, not today's
            form.initial[m2m.name] = _m2m_ids(version, m2m)
    formsets, _ = model_admin._create_formsets(page, current, change=True)
    forms = [form]
    for formset in formsets:
        forms += [formset.management_form, *formset.forms]
    return posted(forms)


def posted(forms) -> dict[str, list[str]]:
    """What a browser submits for these forms left as they are shown."""
    data: dict[str, list[str]] = {}
    for form in forms:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if isinstance(bound.field, FileField):
                continue  # a file is not posted again: the stored one stays
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    data[bound.html_name + suffix] = ["" if part is None else str(part)]
            elif isinstance(widget, NullBooleanSelect):
                data[bound.html_name] = [{True: "true", False: "false"}.get(value, "unknown")]
            elif value is None or value is False:
                continue  # an empty select posts nothing, an unticked box neither
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = [str(value)]
    return data
