"""The browse pages: every public incident, action, actor and source, and every state, a
page at a time; and the About page.

Each list starts from its model's public() queryset (states are reference data, public as a
whole) and shows one page in two queries: the count and the page's rows.
"""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from cases import maps
from cases.models import (
    AccountabilityAction,
    ActionStatus,
    Actor,
    AttributionConfidence,
    Incident,
    Reliability,
    Source,
    Standing,
    State,
    VerificationStatus,
)

PER_PAGE = 50


class BrowseView(ListView):
    """One page of a public list. A page number that is not a whole number from 1 is a
    404 that says so; one past the last page shows the last page and says so."""

    paginate_by = PER_PAGE
    title = ""  # the page's heading: "Incidents"
    noun = ("record", "records")  # one and many, for "1 incident", "2 incidents"

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("page") or "1"
        try:
            self.requested_page = int(raw)
        except ValueError:
            self.requested_page = 0
        if self.requested_page < 1:
            message = (
                f"“{raw[:20]}” is not a page number of the {self.title.lower()}: "
                "pages are numbered from 1."
            )
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
        context["noun"] = self.noun[0] if page.paginator.count == 1 else self.noun[1]
        context["past_the_end"] = self.requested_page > page.number
        context["requested_page"] = self.requested_page
        return context


class IncidentListView(BrowseView):
    template_name = "cases/incident_list.html"
    title = "Incidents"
    noun = ("incident", "incidents")

    def get_queryset(self):
        return Incident.objects.public().with_list_related().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places"] = maps.incident_places(Incident.objects.public(), limit=maps.LIST_SIZE)
        context["places_url"] = reverse("cases:search-map")
        return context


class ActionListView(BrowseView):
    template_name = "cases/action_list.html"
    title = "Accountability actions"
    noun = ("accountability action", "accountability actions")

    def get_queryset(self):
        return (
            AccountabilityAction.objects.public()
            .select_related("issuing_body")
            .order_by(F("issued_on").desc(nulls_last=True), "-pk")
        )


class ActorListView(BrowseView):
    template_name = "cases/actor_list.html"
    title = "Actors"
    noun = ("actor", "actors")

    def get_queryset(self):
        return Actor.objects.public().select_related("state").order_by("name", "pk")


class SourceListView(BrowseView):
    template_name = "cases/source_list.html"
    title = "Sources"
    noun = ("source", "sources")

    def get_queryset(self):
        return Source.objects.public().order_by(F("published_on").desc(nulls_last=True), "-pk")


class StateListView(BrowseView):
    """Every state (reference data), each with its number of public incidents."""

    template_name = "cases/state_list.html"
    title = "States"
    noun = ("state", "states")

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
    VerificationStatus.ALLEGED: "Reported or claimed by a source, not yet confirmed by another.",
    VerificationStatus.CORROBORATED: "Supported by more than one source, each independent "
    "of the others.",
    VerificationStatus.VERIFIED: "Confirmed from the evidence itself (documents, images, "
    "testimony), not only from reports of it.",
    VerificationStatus.ADJUDICATED: "Decided by a court or tribunal.",
    VerificationStatus.DISPUTED: "Contested: the sources disagree about what happened.",
}


class AboutView(TemplateView):
    """Who runs the site, what its grades and statuses mean, how to cite a record. The
    terms are the models' own choices, so the page cannot drift from the data."""

    template_name = "cases/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["verification_statuses"] = [
            (value, label, VERIFICATION_MEANINGS[value])
            for value, label in VerificationStatus.choices
        ]
        context["reliability_grades"] = Reliability.choices
        context["confidence_levels"] = AttributionConfidence.choices
        context["standings"] = Standing.choices
        context["action_statuses"] = ActionStatus.choices
        return context
