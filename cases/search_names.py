"""An incident's search names: the one place that says what goes into them.

`Incident.search_names` is the part of the search document that comes from other rows:
the names of the public actors involved (and their other names), the public provisions it
is qualified under (instrument short title, label, heading), its violation categories, the
references and titles of the public accountability actions naming it, its place,
subdivision and country. It is indexed without stemming (`simple`), weight A.

Only public rows count: the search document is public, so a hidden record's name must never
make an incident findable. Visibility is decided here, by the models' own `public()`
querysets, and nowhere else.

Set-based: `Naming` holds what names one incident (its place and the ids of the rows it
names), `Names.load()` reads the public names of a set of such rows in a fixed number of
queries, and `Names.text()` puts one incident's text together without a query. The
service `cases.services.refresh_search_names()` reads the namings of incidents from the
database (`namings()`); the importer and the generator, which write incidents before the
rows naming them, build the namings from what they are about to write and call the same
`Names`.

Accountability actions are few, so their search document is computed when searched
(`cases.search.search_actions`), not stored; what names find one besides its own fields is
decided here too: its public subjects' names and other names, in every script
(`actions_naming`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from cases.models import (
    AccountabilityAction,
    ActionSubject,
    Actor,
    ActorName,
    Incident,
    Involvement,
    LegalQualification,
    Provision,
    State,
    ViolationCategory,
)


@dataclass(frozen=True)
class Naming:
    """What names one incident: its own place fields and the ids of the rows it names, in
    the order they were written (ids of hidden rows may be given: Names leaves them out)."""

    place_name: str = ""
    subdivision: str = ""
    country_id: str | None = None
    actors: Sequence[int] = ()
    provisions: Sequence[int] = ()
    categories: Sequence[int] = ()
    actions: Sequence[int] = ()


@dataclass
class Names:
    """The public names of the rows some namings refer to; text() composes an incident's."""

    countries: dict[str, str] = field(default_factory=dict)
    actors: dict[int, str] = field(default_factory=dict)  # public actors only
    other_names: dict[int, list[str]] = field(default_factory=dict)  # of public actors
    provisions: dict[int, str] = field(default_factory=dict)  # of public instruments only
    categories: dict[int, str] = field(default_factory=dict)  # a vocabulary: all public
    actions: dict[int, str] = field(default_factory=dict)  # public actions only

    @classmethod
    def load(
        cls,
        *,
        countries: Iterable[str | None] = (),
        actors: Iterable[int] = (),
        provisions: Iterable[int] = (),
        categories: Iterable[int] = (),
        actions: Iterable[int] = (),
    ) -> "Names":
        """The public names of these rows, in at most six queries whatever their number."""
        names = cls()
        country_ids = set(countries) - {None}
        if country_ids:
            names.countries = dict(
                State.objects.filter(code__in=country_ids).values_list("code", "name")
            )
        actor_ids = set(actors)
        if actor_ids:
            names.actors = dict(
                Actor.objects.public().filter(pk__in=actor_ids).values_list("pk", "name")
            )
            for actor_id, name in (
                ActorName.objects.filter(actor_id__in=names.actors)
                .order_by("pk")
                .values_list("actor_id", "name")
            ):
                names.other_names.setdefault(actor_id, []).append(name)
        provision_ids = set(provisions)
        if provision_ids:
            names.provisions = {
                pk: " ".join(part for part in parts if part)
                for pk, *parts in Provision.objects.public()
                .filter(pk__in=provision_ids)
                .values_list("pk", "instrument__short_title", "label", "heading")
            }
        category_ids = set(categories)
        if category_ids:
            names.categories = dict(
                ViolationCategory.objects.filter(pk__in=category_ids).values_list("pk", "name")
            )
        action_ids = set(actions)
        if action_ids:
            names.actions = {
                pk: cls.action_text(reference, title)
                for pk, reference, title in AccountabilityAction.objects.public()
                .filter(pk__in=action_ids)
                .values_list("pk", "reference", "title")
            }
        return names

    @staticmethod
    def action_text(reference: str, title: str) -> str:
        """What a public action adds to the search names of the incidents it names (the
        generator, which writes actions with COPY, adds its own to `actions` by this)."""
        return " ".join(part for part in (reference, title) if part)

    def text(self, naming: Naming) -> str:
        """One incident's search names: names first, then the law, the actions, the place."""
        actors = [a for a in dict.fromkeys(naming.actors) if a in self.actors]
        parts = [
            *(self.actors[a] for a in actors),
            *(name for a in actors for name in self.other_names.get(a, ())),
            *(self.provisions[p] for p in dict.fromkeys(naming.provisions) if p in self.provisions),
            *(self.categories[c] for c in dict.fromkeys(naming.categories) if c in self.categories),
            *(self.actions[a] for a in dict.fromkeys(naming.actions) if a in self.actions),
            naming.place_name,
            naming.subdivision,
            self.countries.get(naming.country_id or "", ""),
        ]
        return " ".join(part for part in parts if part)


def namings(incident_ids: Sequence[int]) -> dict[int, Naming]:
    """The namings of these incidents as the database holds them, in five queries."""
    rows = {
        pk: (place, subdivision, country)
        for pk, place, subdivision, country in Incident.objects.filter(
            pk__in=incident_ids
        ).values_list("pk", "place_name", "subdivision", "country_id")
    }
    linked: dict[str, dict[int, list[int]]] = {}
    links = {
        "actors": Involvement.objects.filter(incident__in=incident_ids)
        .order_by("pk")
        .values_list("incident_id", "actor_id"),
        "provisions": LegalQualification.objects.filter(incident__in=incident_ids)
        .order_by("pk")
        .values_list("incident_id", "provision_id"),
        "categories": Incident.categories.through.objects.filter(incident__in=incident_ids)
        .order_by("pk")
        .values_list("incident_id", "violationcategory_id"),
        "actions": AccountabilityAction.incidents.through.objects.filter(incident__in=incident_ids)
        .order_by("pk")
        .values_list("incident_id", "accountabilityaction_id"),
    }
    for kind, pairs in links.items():
        linked[kind] = {}
        for incident_id, other in pairs:
            linked[kind].setdefault(incident_id, []).append(other)
    return {
        pk: Naming(
            place_name=place,
            subdivision=subdivision,
            country_id=country,
            actors=linked["actors"].get(pk, ()),
            provisions=linked["provisions"].get(pk, ()),
            categories=linked["categories"].get(pk, ()),
            actions=linked["actions"].get(pk, ()),
        )
        for pk, (place, subdivision, country) in rows.items()
    }


def search_names(incident_ids: Sequence[int]) -> dict[int, str]:
    """The search names of these incidents, from the database: the one computation."""
    found = namings(incident_ids)
    names = Names.load(
        countries={n.country_id for n in found.values()},
        actors={a for n in found.values() for a in n.actors},
        provisions={p for n in found.values() for p in n.provisions},
        categories={c for n in found.values() for c in n.categories},
        actions={a for n in found.values() for a in n.actions},
    )
    return {pk: names.text(naming) for pk, naming in found.items()}


def incidents_naming(
    *,
    incidents: Iterable[int] | QuerySet = (),
    states: Iterable[str] = (),
    actors: Iterable[int] = (),
    instruments: Iterable[int] = (),
    provisions: Iterable[int] = (),
    categories: Iterable[int] = (),
    actions: Iterable[int] = (),
) -> Q:
    """A condition on incidents: the given ones and those whose search names name any of
    the given rows (whatever their visibility: a row made hidden must leave them too)."""
    condition = Q(pk__in=incidents if isinstance(incidents, QuerySet) else list(incidents))
    if states := list(states):
        condition |= Q(country__in=states)
    if actors := list(actors):
        involved = Involvement.objects.filter(actor__in=actors)
        condition |= Q(pk__in=involved.values("incident_id"))
    if instruments := list(instruments):
        qualified = LegalQualification.objects.filter(provision__instrument__in=instruments)
        condition |= Q(pk__in=qualified.values("incident_id"))
    if provisions := list(provisions):
        qualified = LegalQualification.objects.filter(provision__in=provisions)
        condition |= Q(pk__in=qualified.values("incident_id"))
    if categories := list(categories):
        categorised = Incident.categories.through.objects.filter(violationcategory__in=categories)
        condition |= Q(pk__in=categorised.values("incident_id"))
    if actions := list(actions):
        named = AccountabilityAction.incidents.through.objects.filter(
            accountabilityaction__in=actions
        )
        condition |= Q(pk__in=named.values("incident_id"))
    return condition


def actions_naming(actors: QuerySet) -> QuerySet:
    """The ids of the actions directed at any of these actors: an action is found by its
    subjects' names and other names, in every script ("Львова-Белова" finds the warrant
    for Lvova-Belova). `actors` must be public ones (cases.search.search_actors finds
    them): a hidden subject's name must never make an action findable."""
    return ActionSubject.objects.filter(actor__in=actors.values("pk")).values("action_id")


__all__ = [
    "Names",
    "Naming",
    "actions_naming",
    "incidents_naming",
    "namings",
    "search_names",
]
