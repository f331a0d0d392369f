"""Public pages. Every view reads through the models' public() querysets."""

import datetime

from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView, ListView, TemplateView, View

from cases import maps, search
from cases.cache import cache_public_page, remember
from cases.exports import INCIDENT_COLUMNS, csv_lines, incident_rows
from cases.forms import FILTER_LABELS, SearchForm, current_names
from cases.models import (
    AccountabilityAction,
    Actor,
    Charge,
    Citation,
    Incident,
    Instrument,
    InstrumentKind,
    Involvement,
    LegalQualification,
    Provision,
    PublicationStatus,
    Source,
    State,
    TreatyEvent,
    TreatyStatus,
    ViolationCategory,
)
from cases.models.base import Confidentiality
from cases.models.jurisdiction import incident_jurisdiction
from cases.models.law import treaty_events_of, written_date

LIST_LIMIT = 50  # related records listed on a record page; the rest via a search link


def public_counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.public().count(),
        "actions": AccountabilityAction.objects.public().count(),
        "actors": Actor.objects.public().count(),
        "instruments": Instrument.objects.public().count(),
        "sources": Source.objects.public().count(),
    }


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "cases/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = remember("home-counts", [], public_counts, self.request)
        context["latest_incidents"] = list(
            Incident.objects.public().with_list_related().newest_first()[:5]
        )
        context["latest_actions"] = list(
            AccountabilityAction.objects.public().order_by(
                F("issued_on").desc(nulls_last=True), "-pk"
            )[:5]
        )
        return context


CHOICE_LABELS = {
    name: dict(SearchForm.base_fields[name].choices)
    for name in ["action_kind", "action_status", "verification_status", "conflict_type"]
}


def _active_filters(data: dict, params) -> list[tuple[str, str, str]]:
    """(label, shown value, query string without it) for each filter in use."""
    active = []
    for name, value in data.items():
        if name in {"sort", "page"} or value in (None, ""):
            continue
        if name in CHOICE_LABELS:
            shown = CHOICE_LABELS[name][value]
        elif isinstance(value, datetime.date):
            shown = value.isoformat()
        else:
            shown = str(value)
        remaining = params.copy()
        for dropped in (name, "page"):
            remaining.pop(dropped, None)
        active.append((FILTER_LABELS[name], shown, "?" + remaining.urlencode()))
    return active


def _with_text(params, text: str) -> str:
    """The query string of the same search with another text, from its first page."""
    changed = params.copy()
    changed["q"] = text
    changed.pop("page", None)
    return changed.urlencode()


FACETS = [
    ("country", gettext_lazy("Country")),
    ("category", gettext_lazy("Violation category")),
    ("instrument", gettext_lazy("Instrument")),
    ("provision", gettext_lazy("Provision")),
    ("actor", gettext_lazy("Actor")),
    ("action_kind", gettext_lazy("Accountability action")),
    ("verification_status", gettext_lazy("Verification status")),
    ("year", gettext_lazy("Year")),
]
# Filters the search form does not show as inputs; kept as hidden fields on resubmit.
HIDDEN_FILTERS = [
    name
    for name in SearchForm.base_fields
    if name not in {"q", "date_from", "date_to", "sort", "page"}
]
# Facets whose values are not capped in the database: the first few are shown, the rest
# folded under a summary (the Year facet spans decades).
FOLDED_FACETS = {"year": (10, gettext_lazy("Earlier years"))}


def _facet_group(name: str, title: str, values: list, current: str) -> tuple:
    """(name, title, values shown, the folded rest or None, the current value)."""
    shown, label = FOLDED_FACETS.get(name, (len(values), ""))
    rest = values[shown:]
    more = None
    if rest:
        more = {"label": label, "values": rest, "open": any(v.value == current for v in rest)}
    return name, title, values[:shown], more, current


@method_decorator(cache_public_page(params=frozenset({"page", "sort"})), name="dispatch")
class SearchView(View):
    """Incidents matching text and filters, with facets, a timeline and matching actions and
    actors. Invalid parameters are named on the page and left out; never an error page.
    Without text or filters its count and facets are cached (cases/cache.py)."""

    template_name = "cases/search.html"
    per_page = 20

    def get(self, request):
        params = current_names(request.GET)
        if params != request.GET:
            # A link with the parameters' old names: the same search under the current ones.
            return HttpResponsePermanentRedirect(f"{request.path}?{params.urlencode()}")
        form = SearchForm(request.GET)
        filters = form.filters()
        data = form.valid_data()
        sort = data.get("sort") or ("relevance" if filters.text else "newest")
        requested_page = data.get("page") or 1
        show_all = request.GET.get("show_all", "")
        show_all = show_all if show_all in search.CAPPED_FACETS else ""  # else ignored

        def results_page() -> search.SearchPage:
            return search.search_page(
                filters, sort=sort, page=requested_page, per_page=self.per_page, show_all=show_all
            )

        if filters == search.Filters():
            parts = [sort, requested_page, self.per_page, show_all]
            results = remember("search-unfiltered", parts, results_page, request)
        else:
            results = results_page()
        messages = form.error_list()
        if requested_page > results.pages:
            messages.append(
                ngettext(
                    "Page: there is no page %(page)s; the results have %(pages)s page. "
                    "Showing the last page.",
                    "Page: there is no page %(page)s; the results have %(pages)s pages. "
                    "Showing the last page.",
                    results.pages,
                )
                % {"page": requested_page, "pages": results.pages}
            )
        actions, actors, suggestions = [], [], []
        did_you_mean = None
        if filters.text:
            actions = list(search.search_actions(filters.text)[:5])
            actors = list(search.search_actors(filters.text)[:8])
            if not results.total and not actors:
                suggestions = search.similar_actor_names(filters.text)
            if not results.total:
                did_you_mean = search.did_you_mean(filters.text)
        context = {
            "form": form,
            "filters": filters,
            "results": results,
            "sort": sort,
            # the select's choice: empty is the default, relevance once text is typed
            "sort_choice": "" if data.get("sort") == "relevance" else data.get("sort") or "",
            "sorts": search.SORTS,
            "messages_": messages,
            "active_filters": _active_filters(data, request.GET),
            "facet_groups": [
                _facet_group(name, title, results.facets[name], request.GET.get(name, ""))
                for name, title in FACETS
            ],
            "hidden": [
                (name, request.GET[name])
                for name in HIDDEN_FILTERS
                if request.GET.get(name) and name not in form.errors
            ],
            "actions": actions,
            "actors": actors,
            "suggestions": suggestions,
            # past the count's limit, the size of the sample the facets count in
            "facet_sample": results.sample_size if results.facets_are_sample else 0,
            "did_you_mean": did_you_mean,
            "did_you_mean_query": _with_text(request.GET, did_you_mean) if did_you_mean else "",
            # The results shown leave invalid filters out; so do their export and map.
            "query_string": form.valid_params().urlencode(),
        }
        if results.total:
            context["places"] = maps.incident_places(
                search.matching_incidents(filters), limit=maps.LIST_SIZE
            )
            context["places_url"] = f"{reverse('cases:search-map')}?{context['query_string']}"
        return render(request, self.template_name, context)


class SearchExportView(View):
    """The current result set as CSV (cases.exports: the API's incident CSV, same columns),
    streamed row by row (no page limit).

    A parameter that does not validate is a 400 with the search page's message for it:
    the page shows which filter it left out, a downloaded file could not.
    """

    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return form.bad_request()
        filters = form.filters()
        sort = form.cleaned_data.get("sort") or ("relevance" if filters.text else "newest")
        incidents = search.ordered_incidents(filters, sort)
        base_url = request.build_absolute_uri("/")[:-1]
        response = StreamingHttpResponse(
            csv_lines(incident_rows(incidents, base_url), INCIDENT_COLUMNS),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
        return response


def withdrawn_heading(model) -> str:
    """The heading of a withdrawn record's page, one sentence per kind of record (the
    sentence's grammar follows the noun's gender in other languages)."""
    headings = {
        "incident": _("This incident was withdrawn"),
        "accountabilityaction": _("This accountability action was withdrawn"),
        "actor": _("This actor was withdrawn"),
        "source": _("This source was withdrawn"),
        "instrument": _("This instrument was withdrawn"),
    }
    return headings.get(model._meta.model_name, _("This record was withdrawn"))


@method_decorator(cache_public_page, name="dispatch")
class PublicDetailView(DetailView):
    """A record page. Not public: 404; withdrawn: 410 with the public reason, no content.
    Cached for anonymous readers (cases/cache.py)."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            withdrawn = self._withdrawn_reason()
            if withdrawn is None:
                raise
            return render(
                request,
                "cases/withdrawn.html",
                {"reason": withdrawn, "heading": withdrawn_heading(self.model)},
                status=410,
            )

    def _withdrawn_reason(self) -> str | None:
        if not hasattr(self.model, "withdrawal_reason"):
            return None
        if self.pk_url_kwarg in self.kwargs:
            lookup = {"pk": self.kwargs[self.pk_url_kwarg]}
        else:
            lookup = {self.slug_field: self.kwargs[self.slug_url_kwarg]}
        row = (
            self.model._default_manager.filter(
                publication_status=PublicationStatus.WITHDRAWN,
                confidentiality=Confidentiality.PUBLIC,
                **lookup,
            )
            .values_list("withdrawal_reason", flat=True)
            .first()
        )
        return None if row is None else (row or _("No reason was given."))


def treaty_table(
    states: list[State], instruments: list[Instrument], dates: list, events: dict
) -> list:
    """Rows of (state, [(instrument, [status on each date])]) from treaty_events_of()."""
    rows = []
    for state in states:
        cells = []
        for instrument in instruments:
            own = events[state.pk][instrument.pk]
            statuses = [
                TreatyStatus.compute(state=state, instrument=instrument, on=d, events=own)
                for d in dates
            ]
            cells.append((instrument, statuses))
        rows.append((state, cells))
    return rows


class IncidentDetailView(PublicDetailView):
    model = Incident
    template_name = "cases/incident_detail.html"
    context_object_name = "incident"

    def get_queryset(self):
        return Incident.objects.public().with_detail_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        dates = list(dict.fromkeys(d for d in (incident.date_earliest, incident.date_latest) if d))
        codes = list(incident.states_with_roles())
        cited = {q.provision.instrument_id for q in incident.public_qualifications}
        instruments = sorted(
            Instrument.objects.public().exclude(kind=InstrumentKind.CUSTOMARY),
            key=lambda i: (i.pk not in cited, i.adopted_on or datetime.date.max, i.pk),
        )
        states = sorted(
            State.objects.filter(code__in=codes).select_related("predecessor__predecessor"),
            key=lambda s: codes.index(s.code),
        )
        context["dates"] = dates
        context["cited_instruments"] = cited
        if not dates:
            context["treaty_rows"] = []
            return context
        events = treaty_events_of(states, instruments)
        context["treaty_rows"] = treaty_table(states, instruments, dates, events)
        by_code = {state.pk: state for state in states}
        context["icc"] = incident_jurisdiction(
            on_dates=dates,
            territory=by_code.get(incident.country_id),
            nationals=[by_code[code] for code in incident.perpetrator_state_codes()],
            instruments=instruments,
            events=events,
        )
        return context


class ActionDetailView(PublicDetailView):
    model = AccountabilityAction
    template_name = "cases/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return AccountabilityAction.objects.public().with_detail_related()


def _map_context(incidents, **filters) -> dict:
    """The map of a record's incidents (cases/maps.py): its list of places, and its data
    from the search's map JSON with the search filter that selects the same incidents."""
    query_string = QueryDict(mutable=True)
    query_string.update(filters)
    return {
        "places": maps.incident_places(incidents, limit=maps.LIST_SIZE),
        "places_url": f"{reverse('cases:search-map')}?{query_string.urlencode()}",
        "query_string": query_string.urlencode(),
    }


class ActorDetailView(PublicDetailView):
    model = Actor
    template_name = "cases/actor_detail.html"
    context_object_name = "actor"

    def get_queryset(self):
        public_actions = AccountabilityAction.objects.public().order_by(
            F("issued_on").desc(nulls_last=True), "pk"
        )
        return (
            Actor.objects.public()
            .select_related("state")
            .with_profile_related()
            .prefetch_related(
                Prefetch(
                    "actions_as_subject", queryset=public_actions, to_attr="public_subject_actions"
                ),
                Prefetch(
                    "issued_actions", queryset=public_actions, to_attr="public_issued_actions"
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        involvements = (
            Involvement.objects.filter(actor=self.object, incident__in=Incident.objects.public())
            .select_related("incident__country")
            .order_by(F("incident__date_earliest").desc(nulls_last=True), "pk")
        )
        context["involvements"] = list(involvements[:LIST_LIMIT])
        context["involvement_count"] = (
            len(context["involvements"])
            if len(context["involvements"]) < LIST_LIMIT
            else involvements.count()
        )
        context.update(
            _map_context(Incident.objects.public().involving(self.object), actor=self.object.pk)
        )
        return context


def _incidents_citing(provisions_q: Q) -> tuple[list, int]:
    """Public incidents with a public qualification under the given provisions, newest first."""
    qualified = LegalQualification.objects.public().filter(provisions_q).values("incident")
    incidents = (
        Incident.objects.public().filter(pk__in=qualified).with_list_related().newest_first()
    )
    shown = list(incidents[:LIST_LIMIT])
    return shown, (len(shown) if len(shown) < LIST_LIMIT else incidents.count())


def _actions_charging(provisions_q: Q) -> list:
    charged = Charge.objects.public().filter(provisions_q).values("action")
    return list(
        AccountabilityAction.objects.public()
        .filter(pk__in=charged)
        .order_by(F("issued_on").desc(nulls_last=True), "-pk")[:LIST_LIMIT]
    )


class InstrumentListView(ListView):
    template_name = "cases/instrument_list.html"
    context_object_name = "instruments"

    def get_queryset(self):
        return Instrument.objects.public().order_by("adopted_on", "pk")


class InstrumentDetailView(PublicDetailView):
    model = Instrument
    template_name = "cases/instrument_detail.html"
    context_object_name = "instrument"
    slug_field = "slug"

    def get_queryset(self):
        return Instrument.objects.public().prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.public().order_by("position", "pk"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        where = Q(provision__instrument=self.object)
        context["incidents"], context["incident_count"] = _incidents_citing(where)
        context["actions"] = _actions_charging(where)
        context["party_count"] = (
            TreatyEvent.objects.filter(
                instrument=self.object, kind__in=["ratification", "accession", "succession"]
            )
            .values("state")
            .distinct()
            .count()
        )
        return context


class ProvisionDetailView(PublicDetailView):
    model = Provision
    template_name = "cases/provision_detail.html"
    context_object_name = "provision"

    def get_queryset(self):
        return (
            Provision.objects.public()
            .select_related("instrument", "parent")
            .prefetch_related(
                Prefetch(
                    "children", queryset=Provision.objects.public().order_by("position", "pk")
                ),
                Prefetch(
                    "violation_categories", queryset=ViolationCategory.objects.order_by("name")
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        where = Q(provision=self.object)
        context["incidents"], context["incident_count"] = _incidents_citing(where)
        context["actions"] = _actions_charging(where)
        return context


class StateDetailView(PublicDetailView):
    model = State
    template_name = "cases/state_detail.html"
    context_object_name = "state"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return State.objects.select_related("predecessor__predecessor")

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        state = queryset.filter(code=self.kwargs["code"].upper()).first()
        if state is None:
            raise Http404(_("No such state."))
        return state

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.object
        instruments = list(Instrument.objects.public().order_by("adopted_on", "pk"))
        chain = state.continued_states()
        events = treaty_events_of([state], instruments)[state.pk]
        today = datetime.date.today()  # noqa: DTZ011 - a calendar date in UTC is what we want
        history = []
        for instrument in instruments:
            own = events[instrument.pk]
            if not own and instrument.kind != InstrumentKind.CUSTOMARY:
                history.append((instrument, [], None))
                continue
            changes = []  # (from date, status) whenever the status changes
            for day in sorted(status_change_days(own)):
                status = TreatyStatus.compute(
                    state=state, instrument=instrument, on=day, events=own
                )
                if not changes or changes[-1][1].kind != status.kind:
                    changes.append((day, status))
            now = TreatyStatus.compute(state=state, instrument=instrument, on=today, events=own)
            history.append((instrument, [(e, e.effective_on) for e in own], (changes, now)))
        context["history"] = history
        context["chain"] = chain[1:]
        incidents = Incident.objects.public().filter(country=state).newest_first()
        context["incidents"] = list(incidents[:20])
        context["incident_count"] = (
            len(context["incidents"]) if len(context["incidents"]) < 20 else incidents.count()
        )
        context.update(
            _map_context(Incident.objects.public().filter(country=state), country=state.pk)
        )
        return context


def status_change_days(events: list[TreatyEvent]) -> set[datetime.date]:
    """The days a state's status can change: each act taking effect, and each art. 12(3)
    period beginning and ending (periods often begin before the declaration is lodged)."""
    days = {e.effective_on for e in events if e.effective_on}
    days |= {e.jurisdiction_from for e in events if e.jurisdiction_from}
    days |= {e.jurisdiction_to + datetime.timedelta(days=1) for e in events if e.jurisdiction_to}
    return days


class CategoryListView(ListView):
    template_name = "cases/category_list.html"
    context_object_name = "categories"

    def get_queryset(self):
        return ViolationCategory.objects.order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_parent: dict = {}
        for category in context["categories"]:
            by_parent.setdefault(category.parent_id, []).append(category)
        tree = []

        def walk(parent_id, depth, seen):
            for category in by_parent.get(parent_id, []):
                if category.pk not in seen:
                    tree.append((category, depth))
                    walk(category.pk, depth + 1, seen | {category.pk})

        walk(None, 0, set())
        context["tree"] = tree
        return context


class CategoryDetailView(PublicDetailView):
    model = ViolationCategory
    template_name = "cases/category_detail.html"
    context_object_name = "category"
    slug_field = "slug"

    def get_queryset(self):
        return ViolationCategory.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=ViolationCategory.objects.order_by("name", "pk")),
            Prefetch(
                "provisions",
                queryset=Provision.objects.public()
                .select_related("instrument")
                .order_by("instrument__short_title", "position", "pk"),
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = ViolationCategory.objects.descendant_ids([self.object.pk])
        through = Incident.categories.through
        incidents = (
            Incident.objects.public()
            .filter(pk__in=through.objects.filter(violationcategory_id__in=ids).values("incident"))
            .with_list_related()
            .newest_first()
        )
        context["incidents"] = list(incidents[:LIST_LIMIT])
        context["incident_count"] = (
            len(context["incidents"])
            if len(context["incidents"]) < LIST_LIMIT
            else incidents.count()
        )
        return context


def _citation_target(citation: Citation):
    """(label, record) for what a public citation backs; the record links to its page."""
    if citation.incident_id:
        return _("Incident"), citation.incident
    if citation.involvement_id:
        actor = citation.involvement.actor
        return _("Involvement of %(actor)s") % {"actor": actor}, citation.involvement.incident
    if citation.legal_qualification_id:
        q = citation.legal_qualification
        return _("Legal qualification (%(provision)s)") % {"provision": q.provision}, q.incident
    if citation.action_id:
        return _("Action"), citation.action
    if citation.charge_id:
        provision = citation.charge.provision
        return _("Charge (%(provision)s)") % {"provision": provision}, citation.charge.action
    if citation.action_event_id:
        event = citation.action_event
        return (
            _("Event (%(kind)s, %(date)s)")
            % {"kind": event.get_kind_display(), "date": written_date(event.occurred_on)},
            event.action,
        )
    if citation.referral_id:
        referral = citation.referral
        return _("Security Council referral (%(referral)s)") % {
            "referral": referral
        }, referral.instrument
    return _("Treaty act (%(act)s)") % {"act": citation.treaty_event}, citation.treaty_event.state


class SourceDetailView(PublicDetailView):
    model = Source
    template_name = "cases/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        return Source.objects.public().prefetch_related("captures")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        citations = (
            Citation.objects.public()
            .filter(source=self.object)
            .select_related(
                "incident",
                "involvement__incident",
                "involvement__actor",
                "legal_qualification__incident",
                "legal_qualification__provision__instrument",
                "action",
                "charge__action",
                "charge__provision__instrument",
                "action_event__action",
                "treaty_event__state",
                "treaty_event__instrument",
                "referral__instrument",
            )
            .order_by("pk")[:LIST_LIMIT]
        )
        context["citations"] = [(c, *_citation_target(c)) for c in citations]
        return context


def robots(request):
    # The export under every language prefix too (/uk/search/export.csv, ...).
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    prefixes = ["", *(f"/{code}" for code in others)]
    rules = "".join(f"Disallow: {prefix}/search/export.csv\n" for prefix in prefixes)
    return HttpResponse(f"User-agent: *\n{rules}", content_type="text/plain")
