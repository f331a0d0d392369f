"""What every ModelAdmin shares: who created and changed a row, and the standard fieldsets."""

import copy
from functools import cached_property

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.datastructures import MultiValueDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from cases import services
from cases.changesets import part_relations
from cases.models import Incident
from cases.models.base import Tracked
from cases.search_names import incidents_naming

from .changesets import (
    built_once,
    form_class_key,
    form_errors,
    query_dict,
    reuses_form_classes,
)
from .history import record_history, restored_form_data

RECORD_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
PUBLICATION_FIELDS = ("publication_status", "confidentiality", "withdrawal_reason")

# A date is typed as ISO 8601 or with the month in words, never as an ambiguous 07/03/2025
# (the input formats are in ihl/formats); a refused one says which forms are taken.
DATE_INVALID = (
    "Enter the date as YYYY-MM-DD (2025-03-07) or with the month in words (7 March 2025)."
)
TIME_INVALID = "Enter the time as HH:MM or HH:MM:SS, on the 24-hour clock (14:30)."
# For every ModelAdmin and inline (added to the admin's own widgets, not replacing them).
FORMFIELD_OVERRIDES = {
    # A link typed without its scheme is taken as https (Django 6 will default to it).
    models.URLField: {"assume_scheme": "https"},
    models.DateField: {"error_messages": {"invalid": DATE_INVALID}},
    # The admin splits a date-time into a date and a time field.
    models.DateTimeField: {
        "error_messages": {"invalid_date": DATE_INVALID, "invalid_time": TIME_INVALID}
    },
}


def stamp(instance, user) -> None:
    """Record who created and last changed a Tracked row; other rows are left alone."""
    if not isinstance(instance, Tracked):
        return
    if instance._state.adding:
        instance.created_by = user
    instance.updated_by = user


def _is_key(field: models.Field, value) -> bool:
    try:
        field.target_field.to_python(value)
    except ValidationError:
        return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    """A history page for every record: who changed what and when, with the differences
    between versions, a view of each earlier version and a revert to it."""

    history_list_per_page = 50
    formfield_overrides = FORMFIELD_OVERRIDES
    change_list_template = "admin/cases/history_change_list.html"  # links the deleted ones
    object_history_form_template = "admin/cases/object_history_form.html"
    # The relations the record's __str__ reads, selected with its deletions so that the
    # list of deleted records takes the same number of queries however many it shows.
    deleted_select_related: tuple[str, ...] = ()

    def get_changeform_initial_data(self, request):
        """A link may fill a new record's fields (`?incident=12`, `?incidents=3,4`). Values
        that are not keys of the related table are dropped: the widgets would look them up
        as they are, and a ValueError is a 500."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation:
                continue
            values = value if isinstance(value, list) else [value]
            keys = [key for key in values if _is_key(field, key)]
            if not keys:
                del initial[name]
            else:
                initial[name] = keys if isinstance(value, list) else keys[0]
        return initial

    def history_view(self, request, object_id, extra_context=None):
        """The record's saves and its parts' (cases/admin/history.py), newest first."""
        object_id = unquote(object_id)
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None:  # a deleted record: its last version stands for it
            versions = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
            last = versions.order_by("-history_date").first()
            if last is None:
                raise Http404
            obj = last.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        saves = record_history(self.model, obj.pk)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %(record)s") % {"record": obj},
            "subtitle": None,
            "opts": opts,
            "object": obj,
            "module_name": capfirst(opts.verbose_name_plural),
            "page": Paginator(saves, self.history_list_per_page).get_page(request.GET.get("p")),
            "parts": [m._meta.verbose_name_plural for m, _ in part_relations(self.model)],
            "revert_disabled": not self._may_restore(request, obj),
            "restore_waits": self._restore_waits(obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/cases/object_history.html", context)

    def _restore_waits(self, current) -> bool:
        """Whether restoring a version waits for review: the public sees the record
        (cases.admin.changesets.ReviewedEdits.is_live)."""
        is_live = getattr(self, "is_live", None)
        return current is not None and is_live is not None and is_live(current)

    def _may_restore(self, request, current) -> bool:
        if current is None:
            # A deleted fact whose additions wait for review is not brought back at once.
            return self.has_add_permission(request) and not getattr(self, "additions_wait", False)
        return self.has_change_permission(request, current)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a revert after checking only the view permission. A
        # restore is a change (of a deleted record, an addition): it needs that permission,
        # judged on the record as it is now. A live record is not changed: the restored
        # version is kept in the user's change set, like any edit of it.
        current = self.get_object(request, unquote(object_id))
        allowed = self._may_restore(request, current)
        if request.method == "POST":
            if not allowed:
                raise PermissionDenied
            if self._restore_waits(current):
                return self.restore_into_change_set(request, current, version_id)
        extra_context = {
            **(extra_context or {}),
            "revert_disabled": not allowed,
            "restore_waits": self._restore_waits(current),
        }
        return super().history_form_view(request, object_id, version_id, extra_context)

    def restore_into_change_set(self, request, current, version_id):
        """Post the old version's fields, with the record's parts as they are now, to the
        change page: validated like any edit, then kept in the user's change set."""
        version = get_object_or_404(
            self.model.history, **{self.model._meta.pk.attname: current.pk}, history_id=version_id
        )
        restore = copy.copy(request)
        restore.POST = query_dict(restored_form_data(self, request, current, version))
        restore._files = MultiValueDict()
        restore._dont_enforce_csrf_checks = True  # the request posting here was checked
        response = self.changeform_view(restore, str(current.pk))
        if response.status_code == 302:
            return response
        for error in form_errors(response):
            self.message_user(request, error, messages.ERROR)
        return redirect(request.get_full_path())

    def get_urls(self):
        opts = self.model._meta
        deleted = path(
            "deleted/",
            self.admin_site.admin_view(self.deleted_view),
            name=f"{opts.app_label}_{opts.model_name}_deleted",
        )
        return [deleted, *super().get_urls()]

    def deleted_view(self, request):
        """Records that were deleted, newest first, each linking to its surviving history."""
        if not self.has_view_history_or_change_history_permission(request):
            raise PermissionDenied
        deletions = (
            self.model.history.filter(history_type="-")
            .select_related("history_user", *self.deleted_select_related)
            .order_by("-history_date", "-history_id")
        )
        page = Paginator(deletions, self.history_list_per_page).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Deleted %(records)s")
            % {"records": self.model._meta.verbose_name_plural},
            "opts": self.model._meta,
            "page": page,
            "rows": [self.deleted_row(deletion) for deletion in page],
        }
        return TemplateResponse(request, "admin/cases/deleted.html", context)

    def deleted_row(self, deletion) -> tuple:
        """The deletion, the record's pk and its __str__, which reads the related rows
        selected with the deletion: history_object builds a bare record, so they are handed
        over to it. A related row deleted too was selected as None; the id stands in then."""
        record = deletion.history_object
        for name in {lookup.split("__")[0] for lookup in self.deleted_select_related}:
            related = deletion._meta.get_field(name).get_cached_value(deletion)
            self.model._meta.get_field(name).set_cached_value(record, related)
        try:
            label = str(record)
        except ObjectDoesNotExist:
            label = f"{self.model._meta.verbose_name} {record.pk}"
        return deletion, record.pk, label


class TrackedAdmin(HistoryAdmin):
    """Stamps created_by/updated_by on the object and on every inline row it saves."""

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if issubclass(self.model, Tracked):
            readonly += tuple(f for f in RECORD_FIELDS if f not in readonly)
        return readonly

    def save_model(self, request, obj, form, change):
        stamp(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            stamp(instance, request.user)
            instance.save()
        formset.save_m2m()
        # A row that names its source (sources.SourceInRowForm) is cited once it is saved.
        deleted = set(map(id, formset.deleted_forms))
        for row in formset.forms:
            if hasattr(row, "save_citation") and id(row) not in deleted and row.instance.pk:
                row.save_citation(user=request.user)


class LoadedChoices:
    """An autocomplete widget that renders its selected options from rows already loaded
    (`loaded`: {str(pk): object}, from the inline's prefetched rows) instead of querying
    them, as Django's does once per row. Values it was not given are queried as usual."""

    loaded: dict

    def optgroups(self, name, value, attr=None):
        loaded = getattr(self, "loaded", {})
        selected = [v for v in dict.fromkeys(str(v) for v in value) if v not in ("", "None")]
        if not all(v in loaded for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in selected if self.allow_multiple_selected else selected[:1]:
            obj = loaded[key]
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class LoadedAutocompleteSelect(LoadedChoices, AutocompleteSelect):
    pass


class LoadedAutocompleteSelectMultiple(LoadedChoices, AutocompleteSelectMultiple):
    pass


def give_loaded(form: forms.Form, name: str, objects) -> None:
    field = form.fields.get(name)
    widget = getattr(field, "widget", None)
    widget = getattr(widget, "widget", widget)  # inside the admin's wrapper
    loaded = {str(obj.pk): obj for obj in objects if obj is not None}
    if isinstance(widget, LoadedChoices):
        widget.loaded = loaded
    if isinstance(field, LoadedModelChoiceField):
        field.loaded = loaded


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A choice of a related record (a row's actor, provision, source; the row itself, by
    its id) that takes the record from `loaded` ({str(pk): record}, read by its formset for
    all its rows at once) instead of querying it, as Django's field does for each row.
    A value it was not given is queried as usual."""

    loaded: dict = {}  # replaced by the formset, never changed in place

    def to_python(self, value):
        if isinstance(value, str | int) and (found := self.loaded.get(str(value))) is not None:
            return found
        return super().to_python(value)


def loaded_widget(field: forms.Field):
    widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
    return widget if isinstance(widget, LoadedChoices) else None


class LoadedChoicesForm(forms.ModelForm):
    """An inline row whose relations chosen by a LoadedModelChoiceField are not read again
    by the model's validation: ForeignKey.validate() checks that the record exists, one
    query a row, which the form field has just found in its queryset (the model field's
    own, or narrower). Everything else the model validates (its clean(), its constraints)
    runs as in any ModelForm."""

    def _post_clean(self):
        found = set()
        for name, field in self.fields.items():
            if isinstance(field, LoadedModelChoiceField) and name not in self._errors:
                try:
                    model_field = self._meta.model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if isinstance(model_field, models.ForeignKey):
                    found.add(name)
        instance = self.instance
        model_clean_fields = type(instance).clean_fields

        def clean_fields(exclude=None):
            model_clean_fields(instance, exclude={*(exclude or ()), *found})

        instance.clean_fields = clean_fields
        try:
            super()._post_clean()
        finally:
            del instance.clean_fields


class LoadedChoicesFormSet(BaseInlineFormSet):
    """An inline formset that reads the records its rows name once for all its rows: each
    row itself by its id (from the formset's own rows), and each related record chosen in a
    LoadedModelChoiceField (one query a field, none when the rows were read with them). So
    a page of 1 or 50 rows, shown or validated, takes the same number of queries."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:  # Django's, for the row's id
            form.fields[name] = LoadedModelChoiceField(
                field.queryset, initial=field.initial, required=False, widget=field.widget
            )

    # The formset takes its rows read ahead, with other records' (rows=, replayed in an
    # approval: cases.admin.changesets.RowsAhead); None: it reads them.
    takes_rows = True

    def __init__(self, *args, rows: list | None = None, **kwargs):
        self.rows_read = rows
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        """The rows, each given the record they belong to, which is this formset's instance:
        not joined again in their query nor read for each row (its name is in theirs)."""
        unread = not hasattr(self, "_queryset")
        rows = super().get_queryset()
        if unread and self.rows_read is not None:
            rows._result_cache, rows._prefetch_done = list(self.rows_read), True
        if unread and self.instance.pk is not None:
            for row in rows:
                self.fk.set_cached_value(row, self.instance)
        return rows

    @cached_property
    def forms(self):
        forms_ = super().forms
        self._load_choices(forms_)
        return forms_

    def _load_choices(self, forms_) -> None:
        if not forms_:
            return
        rows = {str(row.pk): row for row in self.get_queryset()}
        pk_name = self.model._meta.pk.name
        for name, field in forms_[0].fields.items():
            if not isinstance(field, LoadedModelChoiceField):
                continue
            known = dict(rows) if name == pk_name else {}
            # The record a row was read with is the one its field would read, unless the
            # field chooses among some records only (then each value is checked by query).
            unfiltered = not field.queryset.query.where
            wanted = set()
            for form in forms_:
                value = form[name].value()
                if value in field.empty_values:
                    continue
                key = str(value)
                if (unfiltered or not form.is_bound) and key not in known:
                    cached = self._cached_relation(form, name)
                    if cached is not None and str(cached.pk) == key:
                        known[key] = cached
                if key not in known:
                    wanted.add(key)
            if wanted:
                known.update(self._read(field, wanted))
            for form in forms_:
                form.fields[name].loaded = known
                if widget := loaded_widget(form.fields[name]):
                    widget.loaded = known

    def _cached_relation(self, form, name: str):
        preset = getattr(form.fields[name], "loaded", {})
        value = str(form[name].value())
        if value in preset:
            return preset[value]
        try:
            model_field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if isinstance(model_field, models.ForeignKey) and model_field.is_cached(form.instance):
            return model_field.get_cached_value(form.instance)
        return None

    @staticmethod
    def _read(field: LoadedModelChoiceField, keys: set[str]) -> dict:
        """The records of these keys in the field's queryset, with the relations their
        names read (a provision's instrument); {} for a key that is no key (the field then
        refuses it row by row, as usual)."""
        model = field.queryset.model
        key = field.to_field_name or "pk"
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.editable and not f.null
        ]
        try:
            found = field.queryset.select_related(*names).filter(**{f"{key}__in": keys})
            return {str(getattr(obj, key)): obj for obj in found}
        except (ValueError, TypeError, ValidationError):
            return {}


class LoadedInline:
    """What every inline shares: its rows' related records read once for all the rows
    (LoadedChoicesFormSet), a chosen one shown by an autocomplete without a query a row."""

    formfield_overrides = FORMFIELD_OVERRIDES
    form = LoadedChoicesForm
    formset = LoadedChoicesFormSet

    def get_formset(self, request, obj=None, **kwargs):
        if not reuses_form_classes(request, kwargs):
            return super().get_formset(request, obj, **kwargs)
        # Replayed in an approval: built once for all its edits of such records.
        key = form_class_key(
            self,
            request,
            obj,
            kwargs,
            self.can_delete and self.has_delete_permission(request, obj),
            self.get_extra(request, obj),
            self.get_min_num(request, obj),
            self.get_max_num(request, obj),
            self.has_change_permission(request, obj),
            self.has_add_permission(request, obj),
        )
        build = super().get_formset
        return built_once(request, key, lambda: build(request, obj, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", LoadedModelChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TabularInline(LoadedInline, admin.TabularInline):
    """The base of every tabular inline: its fields typed and refused like the page's."""


class StackedInline(LoadedInline, admin.StackedInline):
    """The base of every stacked inline: its fields typed and refused like the page's."""


def record_fieldset():
    return ("Record", {"classes": ["collapse"], "fields": RECORD_FIELDS})


def publication_fieldset():
    return ("Publication", {"fields": PUBLICATION_FIELDS})


# Check constraints comparing a relation with the row's own id (not own parent, not a
# member of itself) cannot be evaluated by Django before saving: the id is no form field.
# These helpers say it on the field instead of letting the database refuse with a 500.


def refuse_self_reference(form, field: str, own_pk, message: str) -> None:
    related = form.cleaned_data.get(field)
    if related is not None and own_pk is not None and related.pk == own_pk:
        form.add_error(field, message)


def refuse_date_before(form, earlier: str, later: str, message: str) -> None:
    """An error on `later` if it is before `earlier` (both given)."""
    start, end = form.cleaned_data.get(earlier), form.cleaned_data.get(later)
    if start and end and end < start:
        form.add_error(later, message)


class DistinctRowsFormSet(LoadedChoicesFormSet):
    """Refuses two rows of one submission that a unique constraint forbids.

    Django's own formset check skips constraints with a condition and rows with an empty
    value; the database does not. Subclasses name the fields and say when the rule applies.
    """

    distinct_fields: tuple[str, ...] = ()
    message = "This row repeats another one."

    def applies(self, data: dict) -> bool:
        return True

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not self.applies(data):
                continue
            if any(name not in data for name in self.distinct_fields):
                continue  # a field with its own error, or an empty extra row
            key = tuple(data[name] for name in self.distinct_fields)
            if key in seen:
                form.add_error(self.distinct_fields[-1], self.message)
            seen.add(key)


class RefreshesSearchNames:
    """For rows whose names feed incidents' search names (services.refresh_search_names):
    after a save, a revert (save_model), the inlines and many-to-many fields (save_related)
    or a deletion, the incidents naming the row, before and after, are brought up to date.

    `search_names_kind` is the service's keyword for the row; search_names_of() says it
    otherwise (an involvement names its incident)."""

    search_names_kind = ""

    def search_names_of(self, objs) -> dict[str, list]:
        return {self.search_names_kind: [obj.pk for obj in objs]}

    def _incidents_naming(self, objs) -> list:
        objs = [obj for obj in objs if obj is not None]
        if not objs:
            return []
        return self._incidents_named(self.search_names_of(objs))

    @staticmethod
    def _incidents_named(named: dict[str, list]) -> list:
        if set(named) == {"incidents"}:  # no query to name the incidents themselves
            return list(named["incidents"])
        condition = incidents_naming(**named)
        return list(Incident.objects.filter(condition).values_list("pk", flat=True))

    def _refresh(self, request, obj) -> None:
        named = self.search_names_of([obj])
        before = getattr(obj, "_incidents_named_before", [])
        named["incidents"] = [*named.get("incidents", []), *before]
        pending = getattr(request, "search_names_pending", None)
        if pending is not None:  # a change set's approval refreshes them once, at its end
            pending.update(self._incidents_named(named))
        else:
            services.refresh_search_names(**named)

    def save_model(self, request, obj, form, change):
        if change and self.search_names_kind == "incidents":
            obj._incidents_named_before = [obj.pk]  # an incident names itself
        else:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
            obj._incidents_named_before = self._incidents_naming([stored])
        super().save_model(request, obj, form, change)
        self._refresh(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._refresh(request, form.instance)

    def delete_model(self, request, obj):
        before = self._incidents_naming([obj])
        super().delete_model(request, obj)
        services.refresh_search_names(incidents=before)

    def delete_queryset(self, request, queryset):
        before = self._incidents_naming(list(queryset))
        super().delete_queryset(request, queryset)
        services.refresh_search_names(incidents=before)
