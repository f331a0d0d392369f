"""Could the International Criminal Court exercise jurisdiction over a crime committed on the
territory of state T, or by a national of state N, on date D, and on what basis?

The answer reads the same treaty acts as TreatyStatus, plus the Security Council's referrals.
Rome Statute articles: 11 (jurisdiction in time), 12(2) (territory or nationality of a
party), 12(3) (a declaration by a non-party), 13(b) (referral by the Security Council),
124 (war crimes excluded for seven years) and 127(2) (crimes committed while a party survive
a withdrawal). docs/law.md explains each for a reader of the site.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .law import (
    CONSENT_KINDS,
    STATEMENT_WITHDRAWAL_KINDS,
    ExclusionScope,
    Instrument,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
    TreatyEventKind,
    TreatyStatus,
    TreatyStatusKind,
    treaty_events_of,
    written_date,
)

ROME_STATUTE_SLUG = "rome-statute"
TERRITORY, NATIONALITY = "territory", "nationality"  # a state's link to the crime


class Jurisdiction(models.TextChoices):
    YES = "yes", _("The Court could exercise jurisdiction")
    NO = "no", _("The Court could not exercise jurisdiction")
    UNKNOWN = "unknown", _("Not known from the acts recorded here")


@dataclass(frozen=True)
class Ground:
    """One article of the Statute that bears on the answer, and why."""

    article: str
    text: str
    state: State | None = None
    act: TreatyEvent | SecurityCouncilReferral | None = None

    @property
    def treaty_act(self) -> TreatyEvent | None:
        return self.act if isinstance(self.act, TreatyEvent) else None

    @property
    def referral(self) -> SecurityCouncilReferral | None:
        return self.act if isinstance(self.act, SecurityCouncilReferral) else None


@dataclass(frozen=True)
class IccJurisdiction:
    on: datetime.date
    territory: State | None
    nationals: tuple[State, ...]
    answer: Jurisdiction
    grounds: tuple[Ground, ...] = field(default=())  # what gives the Court jurisdiction
    limits: tuple[Ground, ...] = field(default=())  # what excludes or narrows it
    unknowns: tuple[str, ...] = field(default=())  # what the record does not tell

    @property
    def label(self) -> str:
        return self.answer.label

    @classmethod
    def compute(
        cls,
        *,
        on: datetime.date,
        statute: Instrument,
        territory: State | None,
        nationals: Sequence[State],
        events: Mapping[str, Sequence[TreatyEvent]],
        referrals: Iterable[SecurityCouncilReferral],
    ) -> "IccJurisdiction":
        """`events`: each state's acts under the statute (its own and those of the states it
        continues), by state code; `referrals`: with their states prefetched."""
        nationals = tuple({n.pk: n for n in nationals}.values())
        answer = {"on": on, "territory": territory, "nationals": nationals}
        started = statute.entry_into_force_on
        if started and on < started:
            limit = Ground(
                "art. 11(1)",
                gettext(
                    "The Court has jurisdiction only over crimes committed after the Statute "
                    "entered into force on %(date)s, whoever refers them."
                )
                % {"date": written_date(started)},
            )
            return cls(**answer, answer=Jurisdiction.NO, limits=(limit,))
        grounds: list[Ground] = []
        limits: list[Ground] = []
        unknowns: list[str] = []
        if territory is None:
            unknowns.append(
                gettext("The state on whose territory the crime was committed is not recorded.")
            )
        else:
            grounds += _referral_grounds(territory, on, referrals)
        roles: dict[str, tuple[State, set[str]]] = {}
        for state, role in [(territory, TERRITORY)] + [(n, NATIONALITY) for n in nationals]:
            if state is not None:
                roles.setdefault(state.pk, (state, set()))[1].add(role)
        for state, its_roles in roles.values():
            own = events.get(state.pk, ())
            status = TreatyStatus.compute(state=state, instrument=statute, on=on, events=own)
            found, limited, unknown = _state_grounds(status, its_roles, own)
            grounds += found
            limits += limited
            unknowns += unknown
        if not grounds and not nationals:
            unknowns.append(
                gettext(
                    "The nationality of the alleged perpetrators is not recorded here; if they "
                    "were nationals of a party, or of a state that accepted jurisdiction, the "
                    "Court could exercise it (art. 12(2)(b), 12(3))."
                )
            )
        if grounds:
            verdict = Jurisdiction.YES
        else:
            verdict = Jurisdiction.UNKNOWN if unknowns else Jurisdiction.NO
        return cls(
            **answer,
            answer=verdict,
            grounds=tuple(grounds),
            limits=tuple(limits),
            unknowns=tuple(unknowns),
        )


def _referral_grounds(
    territory: State, on: datetime.date, referrals: Iterable[SecurityCouncilReferral]
) -> list[Ground]:
    grounds = []
    for referral in referrals:
        if territory.pk in {s.pk for s in referral.states.all()} and referral.covers(on):
            end = referral.jurisdiction_to
            grounds.append(
                Ground(
                    "art. 13(b)",
                    (
                        gettext(
                            "The Security Council referred the situation in %(situation)s to "
                            "the Prosecutor (%(resolution)s, %(adopted)s), covering crimes from "
                            "%(start)s to %(end)s; no state's consent is needed."
                        )
                        if end
                        else gettext(
                            "The Security Council referred the situation in %(situation)s to "
                            "the Prosecutor (%(resolution)s, %(adopted)s), covering crimes from "
                            "%(start)s; no state's consent is needed."
                        )
                    )
                    % {
                        "situation": referral.situation,
                        "resolution": referral.resolution,
                        "adopted": written_date(referral.adopted_on),
                        "start": written_date(referral.jurisdiction_from),
                        "end": written_date(end) if end else "",
                    },
                    territory,
                    referral,
                )
            )
    return grounds


def _state_grounds(
    status: TreatyStatus, roles: set[str], events: Sequence[TreatyEvent]
) -> tuple[list[Ground], list[Ground], list[str]]:
    state, on = status.state, status.on
    links = [
        (role, article, text)
        for role, article, text in (
            (TERRITORY, "art. 12(2)(a)", gettext("the crime was committed on its territory")),
            (NATIONALITY, "art. 12(2)(b)", gettext("the alleged perpetrators are its nationals")),
        )
        if role in roles
    ]
    article = gettext(" and ").join(link[1] for link in links)
    where = gettext(" and ").join(link[2] for link in links)
    grounds, limits, unknowns = [], [], []
    if status.kind == TreatyStatusKind.BOUND:
        grounds.append(
            Ground(
                article,
                gettext("%(state)s was a party on %(date)s and %(where)s.")
                % {"state": state, "date": written_date(on), "where": where},
                state,
                status.basis,
            )
        )
        withdrawal = next(
            (
                e
                for e in events
                if e.kind == TreatyEventKind.DENUNCIATION and e.effective_on and e.effective_on > on
            ),
            None,
        )
        if withdrawal:
            grounds.append(
                Ground(
                    "art. 127(2)",
                    gettext(
                        "%(state)s withdrew from the Statute (notified %(notified)s, in effect "
                        "from %(effective)s); the Court keeps jurisdiction over crimes committed "
                        "while it was a party."
                    )
                    % {
                        "state": state,
                        "notified": written_date(withdrawal.deposited_on),
                        "effective": written_date(withdrawal.effective_on),
                    },
                    state,
                    withdrawal,
                )
            )
    for declaration in status.jurisdiction_declarations:
        end = declaration.jurisdiction_to
        grounds.append(
            Ground(
                "art. 12(3)",
                (
                    gettext(
                        "%(state)s accepted the Court's jurisdiction by a declaration lodged on "
                        "%(lodged)s, from %(start)s to %(end)s, and %(where)s."
                    )
                    if end
                    else gettext(
                        "%(state)s accepted the Court's jurisdiction by a declaration lodged on "
                        "%(lodged)s, from %(start)s onwards, and %(where)s."
                    )
                )
                % {
                    "state": state,
                    "lodged": written_date(declaration.deposited_on),
                    "start": written_date(declaration.jurisdiction_from),
                    "end": written_date(end) if end else "",
                    "where": where,
                },
                state,
                declaration,
            )
        )
    basis = status.basis
    if status.kind == TreatyStatusKind.NOT_BOUND and basis is not None:
        if basis.kind in CONSENT_KINDS and basis.effective_on and basis.effective_on > on:
            limits.append(
                Ground(
                    "art. 11(2)",
                    gettext(
                        "%(state)s became a party only from %(date)s; for crimes before that, "
                        "only a declaration under art. 12(3) gives the Court jurisdiction on its "
                        "account."
                    )
                    % {"state": state, "date": written_date(basis.effective_on)},
                    state,
                    basis,
                )
            )
        elif basis.kind == TreatyEventKind.DENUNCIATION:
            limits.append(
                Ground(
                    "art. 127",
                    gettext(
                        "%(state)s was no longer a party on %(date)s: its withdrawal took effect "
                        "on %(effective)s."
                    )
                    % {
                        "state": state,
                        "date": written_date(on),
                        "effective": written_date(basis.effective_on),
                    },
                    state,
                    basis,
                )
            )
    if status.kind == TreatyStatusKind.NO_RECORD:
        unknowns.append(
            gettext(
                "No act of %(state)s under the Rome Statute is recorded here, so whether it was "
                "a party on %(date)s or accepted jurisdiction is not known."
            )
            % {"state": state, "date": written_date(on)}
        )
    exclusion = _war_crimes_exclusion(status, roles, events)
    if isinstance(exclusion, Ground):
        limits.append(exclusion)
    elif exclusion:
        unknowns.append(exclusion)
    return grounds, limits, unknowns


def _war_crimes_exclusion(
    status: TreatyStatus, roles: set[str], events: Sequence[TreatyEvent]
) -> Ground | str | None:
    """Art. 124: a state becoming a party may exclude, for seven years from the Statute's
    entry into force for it, war crimes alleged against its nationals or on its territory."""
    state, on = status.state, status.on
    scopes = {TERRITORY: ExclusionScope.TERRITORY, NATIONALITY: ExclusionScope.NATIONALS}
    wanted = {ExclusionScope.BOTH, *(scopes[role] for role in roles)}
    withdrawn = {
        e.withdraws_id: e.effective_on for e in events if e.kind in STATEMENT_WITHDRAWAL_KINDS
    }
    consent = next((e for e in events if e.kind in CONSENT_KINDS and e.effective_on), None)
    for declaration in events:
        if declaration.kind != TreatyEventKind.WAR_CRIMES_EXCLUSION:
            continue
        if declaration.exclusion_scope not in wanted or consent is None:
            continue
        if declaration.pk in withdrawn and withdrawn[declaration.pk] <= on:
            continue
        start = consent.effective_on
        end = start + relativedelta(years=7) - datetime.timedelta(days=1)
        whose = {
            ExclusionScope.NATIONALS: gettext("by its nationals"),
            ExclusionScope.TERRITORY: gettext("on its territory"),
            ExclusionScope.BOTH: gettext("by its nationals or on its territory"),
        }[declaration.exclusion_scope]
        if start <= on <= end:
            return Ground(
                "art. 124",
                gettext(
                    "%(state)s declared that for seven years from %(start)s (to %(end)s) it does "
                    "not accept the Court's jurisdiction over war crimes (art. 8) alleged to have "
                    "been committed %(whose)s. On this account war crimes are excluded; crimes "
                    "against humanity and genocide are not."
                )
                % {
                    "state": state,
                    "start": written_date(start),
                    "end": written_date(end),
                    "whose": whose,
                },
                state,
                declaration,
            )
        if on < start and status.jurisdiction_declarations:
            return gettext(
                "Whether the art. 124 declaration of %(state)s also reaches war crimes %(whose)s "
                "that fall under its earlier art. 12(3) declaration is not settled; this answer "
                "does not apply it."
            ) % {"state": state, "whose": whose}
    return None


def icc_jurisdiction(
    *, on: datetime.date, territory: State | None, nationals: Sequence[State] = ()
) -> IccJurisdiction | None:
    """The answer from the public record, in a fixed number of queries; None when the Rome
    Statute itself is not public here. Select the states with their predecessors
    (predecessor__predecessor) to spare a query per link."""
    statute = Instrument.objects.public().filter(slug=ROME_STATUTE_SLUG).first()
    if statute is None:
        return None
    states = [s for s in (territory, *nationals) if s is not None]
    answers = incident_jurisdiction(
        on_dates=[on],
        territory=territory,
        nationals=nationals,
        instruments=[statute],
        events=treaty_events_of(states, [statute]),
    )
    return answers[0] if answers else None


def incident_jurisdiction(
    *,
    on_dates: Sequence[datetime.date],
    territory: State | None,
    nationals: Sequence[State],
    instruments: Sequence[Instrument],
    events: Mapping[str, Mapping[int, Sequence[TreatyEvent]]],
) -> list[IccJurisdiction] | None:
    """The answer on each date (an incident's first and last day), from the public
    `instruments` and the acts treaty_events_of() read for them; the referrals cost two
    queries. None when the Rome Statute is not among the instruments."""
    statute = next((i for i in instruments if i.slug == ROME_STATUTE_SLUG), None)
    if statute is None:
        return None
    referrals = []
    if territory is not None:
        referrals = list(
            SecurityCouncilReferral.objects.public()
            .filter(instrument=statute, states=territory)
            .prefetch_related("states")
        )
    acts = {code: by_instrument[statute.pk] for code, by_instrument in events.items()}
    return [
        IccJurisdiction.compute(
            on=on,
            statute=statute,
            territory=territory,
            nationals=nationals,
            events=acts,
            referrals=referrals,
        )
        for on in on_dates
    ]
