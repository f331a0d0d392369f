"""Data-quality checks for staff: what is missing or suspicious, in a bounded number of queries.

Each check returns the total and the first LIMIT rows, so the page stays fast on a large
database.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from cases.models import (
    AccountabilityAction,
    ActionEvent,
    Citation,
    Incident,
    Instrument,
    InstrumentKind,
    Involvement,
    LegalQualification,
    SecurityCouncilReferral,
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


def _without_citations(model, title: str, link_name: str) -> Check:
    queryset = model.objects.filter(~Exists(Citation.objects.filter(**{link_name: OuterRef("pk")})))
    if model is Incident:
        queryset = queryset.only("pk", "title")
    else:
        queryset = queryset.select_related(*_related(model))
    rows = [(str(obj), obj) for obj in queryset.order_by("pk")[:LIMIT]]
    return Check(
        title,
        gettext("A fact no source backs. Add a citation, or remove the claim."),
        queryset.count(),
        rows,
    )


def _related(model) -> list[str]:
    """What the model's __str__ reads, selected with the rows listed."""
    if model is Involvement:
        return ["actor", "incident"]
    if model is LegalQualification:
        return ["incident", "provision__instrument"]
    if model is TreatyEvent:
        return ["state", "instrument"]
    if model is ActionEvent:
        return ["action"]
    return []


def facts_without_citations() -> list[Check]:
    return [
        _without_citations(Incident, gettext("Incidents without a citation"), "incident"),
        _without_citations(Involvement, gettext("Involvements without a citation"), "involvement"),
        _without_citations(
            LegalQualification,
            gettext("Legal qualifications without a citation"),
            "legal_qualification",
        ),
        _without_citations(
            AccountabilityAction, gettext("Accountability actions without a citation"), "action"
        ),
        _without_citations(
            ActionEvent,
            gettext("Events of accountability actions without a citation"),
            "action_event",
        ),
        _without_citations(
            TreatyEvent, gettext("Treaty events without a citation"), "treaty_event"
        ),
        _without_citations(
            SecurityCouncilReferral,
            gettext("Security Council referrals without a citation"),
            "referral",
        ),
    ]


def published_without_qualification() -> Check:
    queryset = (
        Incident.objects.filter(publication_status="published")
        .filter(~Exists(LegalQualification.objects.filter(incident=OuterRef("pk"))))
        .only("pk", "title")
    )
    return Check(
        gettext("Published incidents without a legal qualification"),
        gettext("The public page shows no law for these incidents."),
        queryset.count(),
        [(str(obj), obj) for obj in queryset.order_by("pk")[:LIMIT]],
    )


def sources_without_hash() -> Check:
    hashed = SourceCapture.objects.filter(source=OuterRef("pk")).exclude(sha256="")
    queryset = Source.objects.filter(~Exists(hashed)).only("pk", "title")
    return Check(
        gettext("Sources without a capture hash"),
        gettext(
            "No preserved capture with a SHA-256 (Berkeley Protocol): the source may change or "
            "vanish."
        ),
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
        (
            gettext("#%(a)s “%(name_a)s” and #%(b)s “%(name_b)s” (similarity %(score).2f)")
            % {"a": a, "name_a": name_a, "b": b, "name_b": name_b, "score": score},
            None,
        )
        for a, b, name_a, name_b, score, _ in found
    ]
    how = (
        gettext("Found by trigram similarity of names and other names. Merge or tell them apart.")
        if trigram
        else gettext(
            "Found by equal names once case, spaces and punctuation are ignored (pg_trgm is not "
            "installed). Merge or tell them apart."
        )
    )
    return Check(gettext("Likely duplicate actors"), how, total, rows)


def treaty_period_checks() -> list[Check]:
    """Incidents qualified under an instrument that bound none of the states involved (the
    incident's country and the occupying power) on the incident's date; and those for which
    the record cannot tell, since no act of a state involved settles it. Five queries."""
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
    flagged, unrecorded = [], []
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
        if any(status.kind in accepted for status in statuses):
            continue
        described = ", ".join(
            gettext("%(state)s: %(status)s") % {"state": s.state.name, "status": s.label.lower()}
            for s in statuses
        )
        text = gettext("%(incident)s — %(instrument)s on %(date)s: %(statuses)s") % {
            "incident": title,
            "instrument": instrument,
            "date": on,
            "statuses": described,
        }
        row = (incident_id, text)
        if any(status.kind == TreatyStatusKind.NO_RECORD for status in statuses):
            unrecorded.append(row)
        else:
            flagged.append(row)
    return [
        Check(
            gettext(
                "Incidents dated outside the period a qualifying instrument bound the states "
                "involved"
            ),
            gettext(
                "On the incident's date no state involved (territory or occupying power) was "
                "bound by the instrument of a qualifying provision, nor had accepted "
                "jurisdiction. Check the date, the qualification, or the treaty events."
            ),
            len(flagged),
            [(text, Incident(pk=pk, title=text)) for pk, text in flagged[:LIMIT]],
        ),
        Check(
            gettext("Incidents qualified under an instrument whose treaty acts are not recorded"),
            gettext(
                "No state involved is shown bound, and for at least one no treaty act under the "
                "instrument is recorded, so the site answers 'no treaty act recorded here'. "
                "Enter the state's acts (with their depositary source)."
            ),
            len(unrecorded),
            [(text, Incident(pk=pk, title=text)) for pk, text in unrecorded[:LIMIT]],
        ),
    ]


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
        *treaty_period_checks(),
    ]
