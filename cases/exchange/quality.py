"""Data-quality checks for staff: what is missing or suspicious, in a bounded number of queries.

Each check returns the total and the first LIMIT rows, so the page stays fast on a large
database.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from cases.models import (
    AccountabilityAction,
    ActionEvent,
    Citation,
    Incident,
    Instrument,
    InstrumentKind,
    Involvement,
    LegalQualification,
    Source,
    SourceCapture,
    State,
    StateRelation,
    TreatyEvent,
    TreatyStatus,
    TreatyStatusKind,
)
from cases.search import has_trigram

LIMIT = 50
SIMILARITY = 0.6


@dataclass
class Check:
    title: str
    explanation: str
    total: int
    rows: list = field(default_factory=list)  # (description, admin link or None)


def _without_citations(model, label: str, link_name: str) -> Check:
    queryset = model.objects.filter(~Exists(Citation.objects.filter(**{link_name: OuterRef("pk")})))
    if model is Incident:
        queryset = queryset.only("pk", "title")
    else:
        queryset = queryset.select_related(*_related(model))
    rows = [(str(obj), obj) for obj in queryset.order_by("pk")[:LIMIT]]
    return Check(
        f"{label} without a citation",
        "A fact no source backs. Add a citation, or remove the claim.",
        queryset.count(),
        rows,
    )


def _related(model) -> list[str]:
    if model is Involvement:
        return ["actor", "incident"]
    if model is LegalQualification:
        return ["incident", "provision__instrument"]
    if model is ActionEvent:
        return ["action"]
    return []


def facts_without_citations() -> list[Check]:
    return [
        _without_citations(Incident, "Incidents", "incident"),
        _without_citations(Involvement, "Involvements", "involvement"),
        _without_citations(LegalQualification, "Legal qualifications", "legal_qualification"),
        _without_citations(AccountabilityAction, "Accountability actions", "action"),
        _without_citations(ActionEvent, "Events of accountability actions", "action_event"),
    ]


def published_without_qualification() -> Check:
    queryset = (
        Incident.objects.filter(publication_status="published")
        .filter(~Exists(LegalQualification.objects.filter(incident=OuterRef("pk"))))
        .only("pk", "title")
    )
    return Check(
        "Published incidents without a legal qualification",
        "The public page shows no law for these incidents.",
        queryset.count(),
        [(str(obj), obj) for obj in queryset.order_by("pk")[:LIMIT]],
    )


def sources_without_hash() -> Check:
    hashed = SourceCapture.objects.filter(source=OuterRef("pk")).exclude(sha256="")
    queryset = Source.objects.filter(~Exists(hashed)).only("pk", "title")
    return Check(
        "Sources without a capture hash",
        "No preserved capture with a SHA-256 (Berkeley Protocol): the source may change or vanish.",
        queryset.count(),
        [(str(obj), obj) for obj in queryset.order_by("pk")[:LIMIT]],
    )


# Names of every actor, its own and its other names, normalised for comparison.
NAMES_SQL = """
    SELECT id AS actor_id, name FROM cases_actor
    UNION
    SELECT actor_id, name FROM cases_actorname
"""


def duplicate_actors() -> Check:
    """Pairs of actors whose names (or other names) are alike.

    With pg_trgm: trigram similarity >= SIMILARITY. Without it (the embedded database has
    no contrib extensions): the same name once case, spaces and punctuation are ignored.
    """
    trigram = has_trigram()
    if trigram:
        sql = f"""
            WITH names AS ({NAMES_SQL})
            SELECT a.actor_id, b.actor_id, a.name, b.name, similarity(a.name, b.name) AS score
            FROM names a JOIN names b ON a.actor_id < b.actor_id AND a.name %% b.name
            WHERE similarity(a.name, b.name) >= %s
        """
        params = [SIMILARITY]
    else:
        sql = f"""
            WITH names AS (
                SELECT actor_id, name,
                       regexp_replace(lower(name), '[^[:alnum:]]+', '', 'g') AS normal
                FROM ({NAMES_SQL}) n
            )
            SELECT a.actor_id, b.actor_id, a.name, b.name, 1.0 AS score
            FROM names a JOIN names b ON a.actor_id < b.actor_id AND a.normal = b.normal
            WHERE a.normal <> ''
        """
        params = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH pairs AS ({sql})
            SELECT DISTINCT ON (1, 2) *, count(*) OVER () FROM pairs
            ORDER BY 1, 2, score DESC
            LIMIT {LIMIT}
            """,
            params,
        )
        found = cursor.fetchall()
    total = found[0][5] if found else 0
    rows = [
        (f"#{a} “{name_a}” and #{b} “{name_b}” (similarity {score:.2f})", None)
        for a, b, name_a, name_b, score, _ in found
    ]
    how = (
        "trigram similarity of names and other names"
        if trigram
        else (
            "equal names once case, spaces and punctuation are ignored (pg_trgm is not installed)"
        )
    )
    return Check(
        "Likely duplicate actors", f"Found by {how}. Merge or tell them apart.", total, rows
    )


def outside_treaty_period() -> Check:
    """Incidents qualified under an instrument that bound none of the states involved (the
    incident's country and the occupying power) on the incident's date. Five queries."""
    pairs = (
        LegalQualification.objects.exclude(provision__instrument__kind=InstrumentKind.CUSTOMARY)
        .filter(Q(incident__date_earliest__isnull=False) | Q(incident__date_latest__isnull=False))
        .values_list(
            "incident_id",
            "incident__title",
            "incident__date_earliest",
            "incident__date_latest",
            "incident__country_id",
            "incident__controlling_power_id",
            "provision__instrument_id",
        )
        .distinct()
        .order_by("incident_id", "provision__instrument_id")
    )
    pairs = list(pairs)
    states = {s.code: s for s in State.objects.all()}
    chains = {code: _continued(code, states) for code in states}
    instrument_ids = {row[6] for row in pairs}
    events: dict[tuple[str, int], list[TreatyEvent]] = {}
    for event in TreatyEvent.objects.filter(instrument_id__in=instrument_ids).select_related(
        "instrument", "state"
    ):
        events.setdefault((event.state_id, event.instrument_id), []).append(event)
    instruments = {}
    for event_list in events.values():
        instruments[event_list[0].instrument_id] = event_list[0].instrument
    instruments.update(
        {i.pk: i for i in Instrument.objects.filter(pk__in=instrument_ids - set(instruments))}
    )
    accepted = {TreatyStatusKind.BOUND, TreatyStatusKind.JURISDICTION_ACCEPTED}
    flagged = []
    for incident_id, title, earliest, latest, country, occupier, instrument_id in pairs:
        on: datetime.date = earliest or latest
        involved = [code for code in (country, occupier) if code]
        if not involved:
            continue
        instrument = instruments[instrument_id]
        statuses = []
        for code in involved:
            chain_events = [e for s in chains[code] for e in events.get((s, instrument_id), [])]
            statuses.append(
                TreatyStatus.compute(
                    state=states[code], instrument=instrument, on=on, events=chain_events
                )
            )
        if not any(status.kind in accepted for status in statuses):
            described = ", ".join(f"{s.state.name}: {s.label.lower()}" for s in statuses)
            flagged.append((incident_id, f"{title} — {instrument} on {on}: {described}"))
    return Check(
        "Incidents dated outside the period a qualifying instrument bound the states involved",
        "On the incident's date no state involved (territory or occupying power) was bound by "
        "the instrument of a qualifying provision, nor had accepted jurisdiction. Check the "
        "date, the qualification, or the treaty events.",
        len(flagged),
        [(text, Incident(pk=pk, title=text)) for pk, text in flagged[:LIMIT]],
    )


def _continued(code: str, states: dict[str, State]) -> list[str]:
    """The state and the predecessors it continues (whose treaty acts bind it)."""
    chain = [code]
    state = states[code]
    while (
        state.predecessor_id
        and state.predecessor_relation == StateRelation.CONTINUATION
        and state.predecessor_id not in chain
    ):
        chain.append(state.predecessor_id)
        state = states[state.predecessor_id]
    return chain


def all_checks() -> list[Check]:
    return [
        *facts_without_citations(),
        published_without_qualification(),
        sources_without_hash(),
        duplicate_actors(),
        outside_treaty_period(),
    ]
