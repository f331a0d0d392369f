"""The browse pages: every public incident, action, actor and source, and every state, a
page at a time; and the About page.

Each list starts from its model's public() queryset (states are reference data, public as a
whole) and shows one page in two queries: the count and the page's rows.
"""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.generic import ListView, TemplateView

from cases import maps
from cases.cache import cache_public_page
from cases.models import (
    AccountabilityAction,
    ActionStatus,
    Actor,
    AttributionConfidence,
    Incident,
    Reliability,
    SitePage,
    Source,
    Standing,
    State,
    VerificationStatus,
)
from cases.templatetags.cases_tags import num

PER_PAGE = 50


@method_decorator(cache_public_page(params=frozenset({"page"})), name="dispatch")
class BrowseView(ListView):
    """One page of a public list. A page number that is not a whole number from 1 is a
    404 that says so; one past the last page shows the last page and says so. Cached for
    anonymous readers (cases/cache.py)."""

    paginate_by = PER_PAGE
    title: str | Promise = ""  # the page's heading: "Incidents"
    # "1 incident", "2 incidents": the plural form follows `count`, the number is `number`
    # as the language writes it (1,234; 1 234).
    noun = ngettext_lazy("%(number)s record", "%(number)s records", "count")

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("page") or "1"
        try:
            self.requested_page = int(raw)
        except ValueError:
            self.requested_page = 0
        if self.requested_page < 1:
            message = _(
                "“%(page)s” is not a page number of the %(list)s: pages are numbered from 1."
            ) % {"page": raw[:20], "list": str(self.title).lower()}
            return render(
                request, "404.html", {"message": message, "first": request.path}, status=404
            )
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.page(min(self.requested_page, paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["title"] = self.title
        count = page.paginator.count
        context["counted"] = self.noun % {"count": count, "number": num(count)}
        context["past_the_end"] = self.requested_page > page.number
        context["requested_page"] = self.requested_page
        return context


class IncidentListView(BrowseView):
    template_name = "cases/incident_list.html"
    title = gettext_lazy("Incidents")
    noun = ngettext_lazy("%(number)s incident", "%(number)s incidents", "count")

    def get_queryset(self):
        return Incident.objects.public().with_list_related().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places"] = maps.incident_places(Incident.objects.public(), limit=maps.LIST_SIZE)
        context["places_url"] = reverse("cases:search-map")
        return context


class ActionListView(BrowseView):
    template_name = "cases/action_list.html"
    title = gettext_lazy("Accountability actions")
    noun = ngettext_lazy(
        "%(number)s accountability action", "%(number)s accountability actions", "count"
    )

    def get_queryset(self):
        return (
            AccountabilityAction.objects.public()
            .select_related("issuing_body")
            .order_by(F("issued_on").desc(nulls_last=True), "-pk")
        )


class ActorListView(BrowseView):
    template_name = "cases/actor_list.html"
    title = gettext_lazy("Actors")
    noun = ngettext_lazy("%(number)s actor", "%(number)s actors", "count")

    def get_queryset(self):
        return Actor.objects.public().select_related("state").order_by("name", "pk")


class SourceListView(BrowseView):
    template_name = "cases/source_list.html"
    title = gettext_lazy("Sources")
    noun = ngettext_lazy("%(number)s source", "%(number)s sources", "count")

    def get_queryset(self):
        return Source.objects.public().order_by(F("published_on").desc(nulls_last=True), "-pk")


class StateListView(BrowseView):
    """Every state (reference data), each with its number of public incidents."""

    template_name = "cases/state_list.html"
    title = gettext_lazy("States")
    noun = ngettext_lazy("%(number)s state", "%(number)s states", "count")

    def get_queryset(self):
        incidents = (
            Incident.objects.public()
            .filter(country=OuterRef("pk"))
            .order_by()
            .values("country")
            .annotate(n=Count("pk"))
            .values("n")
        )
        counted = State.objects.annotate(incident_count=Coalesce(Subquery(incidents), 0))
        return counted.order_by("name", "code")


# What each verification status means, in plain words (the models name them, no more).
VERIFICATION_MEANINGS = {
    VerificationStatus.ALLEGED: gettext_lazy(
        "Reported or claimed by a source, not yet confirmed by another."
    ),
    VerificationStatus.CORROBORATED: gettext_lazy(
        "Supported by more than one source, each independent of the others."
    ),
    VerificationStatus.VERIFIED: gettext_lazy(
        "Confirmed from the evidence itself (documents, images, testimony), not only from "
        "reports of it."
    ),
    VerificationStatus.ADJUDICATED: gettext_lazy("Decided by a court or tribunal."),
    VerificationStatus.DISPUTED: gettext_lazy(
        "Contested: the sources disagree about what happened."
    ),
}


class AboutView(TemplateView):
    """Who runs the site (the published SitePage "about", written by staff in the admin),
    what its grades and statuses mean, how to cite a record. The terms are the models' own
    choices, so the page cannot drift from the data. Two queries at most: the page, and
    none for the meanings."""

    template_name = "cases/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["site_page"] = SitePage.objects.public().filter(slug="about").first()
        context["verification_statuses"] = [
            (value, label, VERIFICATION_MEANINGS[value])
            for value, label in VerificationStatus.choices
        ]
        context["reliability_grades"] = Reliability.choices
        context["confidence_levels"] = AttributionConfidence.choices
        context["standings"] = Standing.choices
        context["action_statuses"] = ActionStatus.choices
        return context
