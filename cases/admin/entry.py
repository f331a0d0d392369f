"""Aids to entering a whole case in few steps (docs/change-sets.md, "Entering a case").

- A picker of actors offers to create the actor typed, as a person, a court, ...: the new
  actor is saved by the actor's own add page (ActorAdmin.quick_add_view), as a draft in the
  editor's change set, and chosen in the picker (static/js/admin-create-in-picker.js).
- The add page of an action opened for an incident (?incidents=<id>) starts with rows taken
  from the incident: its perpetrators who are persons as subjects, its legal qualifications
  as charges (with their source and the incident's period), its sources as the action's
  citations. They are ordinary rows of the form, shown to the editor before anything is
  saved: kept, changed or removed like typed ones.
- In a form whose rows name their source, a row started after a source was chosen in the
  form starts with that source (static/js/admin-row-source.js); not its pinpoint.
"""

import copy
import json

from django import forms
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext

from cases import models as m
from cases.models.incidents import PERPETRATOR_ROLES

from .base import LoadedAutocompleteSelect
from .changesets import form_errors, query_dict
from .history import posted

PICKER_JS = "js/admin-create-in-picker.js"
# A row started after a source was chosen in the form cites that source (for forms whose
# rows name their source: cases.admin.sources.SourceInRowForm).
ROW_SOURCE_JS = "js/admin-row-source.js"


class CreatingAutocompleteSelect(LoadedAutocompleteSelect):
    """An actor picker that also offers “Create <kind> “<typed name>”” for each kind given.
    In an inline it shows each row's chosen actor from the rows already read (LoadedChoices),
    not by a query a row."""

    def __init__(self, field, admin_site, kinds, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.kinds = kinds

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        choices = dict(m.ActorKind.choices)
        attrs["data-create-url"] = reverse(f"{self.admin_site.name}:cases_actor_quick_add")
        attrs["data-create-kinds"] = json.dumps(
            [[kind, str(choices[kind]).split(" (")[0].lower()] for kind in self.kinds]
        )
        return attrs

    @property
    def media(self):
        # After autocomplete.js, whose set-up it extends.
        return super().media + forms.Media(js=["admin/js/autocomplete.js", PICKER_JS])


def creating_actor_picker(db_field, model_admin, kinds) -> CreatingAutocompleteSelect:
    return CreatingAutocompleteSelect(db_field, model_admin.admin_site, kinds)


def add_page_data(model_admin, request: HttpRequest) -> dict[str, list[str]]:
    """What a browser posts from the model's add page left as it is shown."""
    page = copy.copy(request)
    page.method = "GET"
    page.GET = QueryDict()
    form = model_admin.get_form(page, None, change=False)(
        initial=model_admin.get_changeform_initial_data(page)
    )
    formsets, _ = model_admin._create_formsets(page, model_admin.model(), change=False)
    shown = [form]
    for formset in formsets:
        shown += [formset.management_form, *formset.forms]
    return posted(shown)


def add_through_admin(model_admin, request: HttpRequest, values: dict[str, list[str]]):
    """Save a new record through its admin add page, with these values over the page's
    defaults, as a pop-up's add (its record is said with the record it is added for):
    (the record, None) or (None, the errors, each naming its field)."""
    data = {**add_page_data(model_admin, request), **values, IS_POPUP_VAR: ["1"]}
    add = copy.copy(request)
    add.method = "POST"
    add.GET = QueryDict()
    add.POST = query_dict(data)
    add._files = MultiValueDict()
    add._dont_enforce_csrf_checks = True  # the request that asked for it was checked
    add.saved_object = None
    add.capturing_draft = False
    response = model_admin.changeform_view(add, None)
    if add.saved_object is None:
        return None, form_errors(response)
    return add.saved_object, None


def quick_add_actor(model_admin, request: HttpRequest) -> JsonResponse:
    """POST name and kind: the actor created through its add page, as JSON {id, text}; or
    {errors} with status 400."""
    if request.method != "POST":
        return JsonResponse({"errors": [gettext("Post the actor's name and kind.")]}, status=405)
    name = request.POST.get("name", "").strip()
    kind = request.POST.get("kind", "")
    actor, errors = add_through_admin(model_admin, request, {"name": [name], "kind": [kind]})
    if actor is None:
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse({"id": str(actor.pk), "text": str(actor)})


# An action entered for an incident ------------------------------------------------------


def incidents_asked(request: HttpRequest) -> list[m.Incident]:
    """The incidents an action's add page was opened for (?incidents=1,2), on its GET."""
    if request.method != "GET":
        return []
    ids = [p for p in request.GET.get("incidents", "").split(",") if p.strip().isdigit()]
    if not ids:
        return []
    return list(m.Incident.objects.filter(pk__in=ids).order_by("pk"))


def rows_from_incidents(request: HttpRequest) -> dict[type, list[dict]]:
    """The first rows of a new action's inlines, by the inline's model, from the incidents it
    is opened for. Computed once per request."""
    cached = getattr(request, "_rows_from_incidents", None)
    if cached is not None:
        return cached
    subjects: list[dict] = []
    charges: list[dict] = []
    citations: list[dict] = []
    cited = m.Citation.objects.select_related("source").order_by("pk")
    for incident in incidents_asked(request):
        perpetrators = incident.involvements.filter(
            role__in=PERPETRATOR_ROLES, actor__kind=m.ActorKind.PERSON
        ).order_by("pk")
        for involvement in perpetrators:
            if all(row["actor"] != involvement.actor_id for row in subjects):
                subjects.append({"actor": involvement.actor_id})
        qualifications = incident.legal_qualifications.order_by("pk").prefetch_related(
            Prefetch("citations", queryset=cited, to_attr="ordered")
        )
        for qualification in qualifications:
            if any(row["provision"] == qualification.provision_id for row in charges):
                continue
            row = {"provision": qualification.provision_id, "crime_period": incident.date}
            if qualification.ordered:
                first = qualification.ordered[0]
                row.update(source=first.source_id, pinpoint=first.pinpoint)
            charges.append(row)
        for citation in cited.filter(incident=incident):
            citations.append({"source": citation.source_id, "pinpoint": citation.pinpoint})
    rows = {m.ActionSubject: subjects, m.Charge: charges, m.Citation: citations}
    request._rows_from_incidents = rows
    return rows


class RowsFromIncidents:
    """An inline of an action whose new rows can start from the action's incidents."""

    def get_extra(self, request, obj=None, **kwargs):
        rows = rows_from_incidents(request).get(self.model, [])
        return len(rows) if rows else super().get_extra(request, obj, **kwargs)
