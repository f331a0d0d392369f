"""The law: states, instruments and their provisions, violation categories, treaty acts.

Nothing here knows about incidents or actions; they refer to the law, not the reverse.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import History, Publishable, PublishableQuerySet, SyncStamped, Tracked
from .translations import translated_texts


class StateRelation(models.TextChoices):
    CONTINUATION = "continuation", _("Continuation (same legal person, treaty status carries over)")
    SUCCESSION = "succession", _("Succession (new state; joins treaties by its own acts)")


class State(SyncStamped, Tracked):
    """A state, by its ISO 3166-1 code (ISO 3166-3 alpha-2 for former states, e.g. SU)."""

    code = models.CharField(
        primary_key=True,
        max_length=2,
        help_text=_("ISO 3166-1 alpha-2 code in capitals, e.g. UA; former states: SU."),
    )
    name = models.CharField(max_length=200, unique=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )
    predecessor_relation = models.CharField(
        max_length=20, choices=StateRelation.choices, blank=True, default=""
    )

    history = History(excluded_fields=["changed_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="state_code_is_two_capitals"
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True, predecessor_relation="")
                | (Q(predecessor__isnull=False) & ~Q(predecessor_relation="")),
                name="state_predecessor_has_relation",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("code")), name="state_not_own_predecessor"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:state-detail", args=[self.code])

    def continued_states(self) -> list["State"]:
        """This state and the predecessors it continues, whose treaty acts bind it."""
        chain = [self]
        current = self
        while (
            current.predecessor_id
            and current.predecessor_relation == StateRelation.CONTINUATION
            and current.predecessor not in chain
        ):
            current = current.predecessor
            chain.append(current)
        return chain

    def treaty_status(self, instrument: "Instrument", on: datetime.date) -> "TreatyStatus":
        """Was this state bound by `instrument` on `on`? With reservations in force."""
        events = TreatyEvent.objects.for_state(self).filter(instrument=instrument)
        return TreatyStatus.compute(state=self, instrument=instrument, on=on, events=events)

    def treaty_statuses(
        self, on: datetime.date, instruments: Iterable["Instrument"] | None = None
    ) -> list["TreatyStatus"]:
        """The state's status under every given instrument (default: all public) on a date."""
        if instruments is None:
            instruments = Instrument.objects.public().order_by("adopted_on", "pk")
        return treaty_statuses_of([self], on, instruments)[self.pk]


class InstrumentKind(models.TextChoices):
    TREATY = "treaty", _("Treaty or convention")
    PROTOCOL = "protocol", _("Protocol")
    STATUTE = "statute", _("Statute")
    CUSTOMARY = "customary", _("Customary rule (binds all states)")


class EntryIntoForceRule(models.TextChoices):
    ON_DEPOSIT = "on_deposit", _("On deposit")
    DAYS_AFTER_DEPOSIT = "days_after_deposit", _("A number of days after deposit")
    MONTHS_AFTER_DEPOSIT = "months_after_deposit", _("A number of months after deposit")
    FIRST_OF_MONTH_AFTER_DAYS = (
        "first_of_month_after_days",
        _("First day of the month after a number of days following deposit"),
    )


InstrumentTexts = translated_texts(
    "InstrumentTexts",
    {
        "title": (_("title"), 400),
        "short_title": (_("short title"), 80),
        "summary": (_("summary"), None),
        "withdrawal_reason": (_("withdrawal reason"), None),
    },
)


class Instrument(InstrumentTexts, SyncStamped, Publishable):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=400)
    short_title = models.CharField(max_length=80, help_text=_("e.g. GC IV, AP I, Rome Statute"))
    kind = models.CharField(max_length=20, choices=InstrumentKind.choices)
    adopted_on = models.DateField(null=True, blank=True)
    entry_into_force_on = models.DateField(
        null=True, blank=True, help_text=_("When the instrument itself entered into force.")
    )
    depositary = models.CharField(max_length=200, blank=True, default="")
    entry_into_force_rule = models.CharField(
        max_length=30,
        choices=EntryIntoForceRule.choices,
        default=EntryIntoForceRule.ON_DEPOSIT,
        help_text=_("For a state joining later: when its ratification or accession takes effect."),
    )
    entry_into_force_delay = models.PositiveSmallIntegerField(
        default=0, help_text=_("The number of days or months the rule speaks of (e.g. 6, 60, 90).")
    )
    withdrawal_delay_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Months from notification to effect of a denunciation; empty if none."),
    )
    rules_note = models.TextField(
        blank=True, default="", help_text=_("The articles that set these rules, and conditions.")
    )
    summary = models.TextField(blank=True, default="")

    objects = PublishableQuerySet.as_manager()

    history = History(excluded_fields=["changed_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_into_force_on__isnull=True)
                | Q(adopted_on__isnull=True)
                | Q(entry_into_force_on__gte=F("adopted_on")),
                name="instrument_in_force_after_adoption",
            ),
            models.CheckConstraint(
                condition=Q(entry_into_force_rule=EntryIntoForceRule.ON_DEPOSIT)
                | Q(entry_into_force_delay__gt=0),
                name="instrument_rule_has_delay",
            ),
        ]

    def __str__(self) -> str:
        return self.short_title or self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:instrument-detail", args=[self.slug])

    def consent_takes_effect(self, deposited_on: datetime.date) -> datetime.date | None:
        """When a ratification or accession deposited on that day binds the state.

        None while the instrument itself is not in force.
        """
        delay = self.entry_into_force_delay
        match self.entry_into_force_rule:
            case EntryIntoForceRule.DAYS_AFTER_DEPOSIT:
                effective = deposited_on + datetime.timedelta(days=delay)
            case EntryIntoForceRule.MONTHS_AFTER_DEPOSIT:
                effective = deposited_on + relativedelta(months=delay)
            case EntryIntoForceRule.FIRST_OF_MONTH_AFTER_DAYS:
                day = deposited_on + datetime.timedelta(days=delay)
                effective = (day + relativedelta(months=1)).replace(day=1)
            case _:
                effective = deposited_on
        if self.entry_into_force_on is None:
            return None
        return max(effective, self.entry_into_force_on)

    def withdrawal_takes_effect(self, notified_on: datetime.date) -> datetime.date:
        return notified_on + relativedelta(months=self.withdrawal_delay_months or 0)


class RuleKind(models.TextChoices):
    PROHIBITION = "prohibition", _("Prohibition or obligation")
    GRAVE_BREACH = "grave_breach", _("Grave breach")
    WAR_CRIME = "war_crime", _("War crime")
    CRIME_AGAINST_HUMANITY = "crime_against_humanity", _("Crime against humanity")
    GENOCIDE = "genocide", _("Genocide")
    MODE_OF_LIABILITY = "mode_of_liability", _("Mode of liability")
    JURISDICTION = "jurisdiction", _("Jurisdiction or procedure")
    DEFINITION = "definition", _("Definition")
    OTHER = "other", _("Other")


class ProvisionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(instrument__in=Instrument.objects.public(), proposed_in__isnull=True)

    def modes_of_liability(self):
        return self.filter(rule_kind=RuleKind.MODE_OF_LIABILITY)


ProvisionTexts = translated_texts(
    "ProvisionTexts",
    {
        "heading": (_("heading"), 400),
        "text": (_("text"), None),
    },
)


class Provision(ProvisionTexts, SyncStamped, Tracked):
    """An article or sub-paragraph of an instrument, in a tree under it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="provisions")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    label = models.CharField(
        max_length=80, help_text=_("The citation label, e.g. art. 8(2)(b)(viii)")
    )
    heading = models.CharField(max_length=400, blank=True, default="")
    text = models.TextField(blank=True, default="", help_text=_("The text, or a summary of it."))
    rule_kind = models.CharField(max_length=30, choices=RuleKind.choices, default=RuleKind.OTHER)
    position = models.PositiveIntegerField(
        default=0, help_text=_("Order within the instrument (lower first).")
    )
    # A provision added to a published instrument is hidden until its change set is approved
    # (then this is cleared): a new charge or qualification in the same set can cite it.
    proposed_in = models.ForeignKey(
        "cases.ChangeSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="proposed_provisions",
    )

    objects = ProvisionQuerySet.as_manager()

    history = History(excluded_fields=["changed_at"], parents=("instrument",))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "label"], name="provision_label_unique_in_instrument"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="provision_not_own_parent"),
        ]
        indexes = [models.Index(fields=["instrument", "position"], name="provision_order_idx")]

    def __str__(self) -> str:
        return f"{self.instrument.short_title} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("cases:provision-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if (
            self.parent_id
            and self.instrument_id
            and self.parent.instrument_id != self.instrument_id
        ):
            raise ValidationError(
                {"parent": _("The parent provision must belong to the same instrument.")}
            )


class ViolationCategoryQuerySet(models.QuerySet):
    def descendant_ids(self, root_ids: Iterable[int]) -> set[int]:
        """The given categories and everything below them (one query: the table is small)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in ViolationCategory.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found: set[int] = set()
        stack = list(root_ids)
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(children.get(pk, []))
        return found


CategoryTexts = translated_texts(
    "CategoryTexts",
    {
        "name": (_("name"), 200),
        "description": (_("description"), None),
    },
)


class ViolationCategory(CategoryTexts, SyncStamped, Tracked):
    """A term of the thesaurus of violations, mapped to the provisions that prohibit it.

    A vocabulary, public as a whole: it holds no facts about anyone.
    """

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    description = models.TextField(blank=True, default="")
    provisions = models.ManyToManyField(Provision, blank=True, related_name="violation_categories")

    objects = ViolationCategoryQuerySet.as_manager()

    history = History(excluded_fields=["changed_at"], m2m_fields=["provisions"])

    class Meta:
        verbose_name_plural = _("violation categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_name_unique_in_parent"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:category-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be placed under itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class TreatyEventKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    RATIFICATION = "ratification", _("Ratification")
    ACCESSION = "accession", _("Accession")
    ACCEPTANCE = "acceptance", _("Acceptance or approval")
    SUCCESSION = "succession", _("Succession")
    SIGNATURE_WITHDRAWAL = "signature_withdrawal", _("Withdrawal of signature")
    DENUNCIATION = "denunciation", _("Denunciation or withdrawal")
    RESERVATION = "reservation", _("Reservation")
    DECLARATION = "declaration", _("Declaration")
    JURISDICTION_DECLARATION = (
        "jurisdiction_declaration",
        _("Acceptance of jurisdiction (Rome Statute art. 12(3))"),
    )
    WAR_CRIMES_EXCLUSION = (
        "war_crimes_exclusion",
        _("Exclusion of war crimes for seven years (Rome Statute art. 124)"),
    )
    RESERVATION_WITHDRAWAL = "reservation_withdrawal", _("Withdrawal of a reservation")
    DECLARATION_WITHDRAWAL = "declaration_withdrawal", _("Withdrawal of a declaration")


CONSENT_KINDS = {
    TreatyEventKind.RATIFICATION,
    TreatyEventKind.ACCESSION,
    TreatyEventKind.ACCEPTANCE,
    TreatyEventKind.SUCCESSION,
}
STATEMENT_KINDS = {
    TreatyEventKind.RESERVATION,
    TreatyEventKind.DECLARATION,
    TreatyEventKind.JURISDICTION_DECLARATION,
    TreatyEventKind.WAR_CRIMES_EXCLUSION,
}
STATEMENT_WITHDRAWAL_KINDS = {
    TreatyEventKind.RESERVATION_WITHDRAWAL,
    TreatyEventKind.DECLARATION_WITHDRAWAL,
}


class ExclusionScope(models.TextChoices):
    """Whom an art. 124 declaration shields: crimes by the state's nationals, on its
    territory, or both (the article allows either; Ukraine's covers its nationals only)."""

    NATIONALS = "nationals", _("Crimes alleged against its nationals")
    TERRITORY = "territory", _("Crimes alleged on its territory")
    BOTH = "both", _("Crimes alleged against its nationals or on its territory")


class TreatyEventQuerySet(models.QuerySet):
    def for_state(self, state: State):
        """The acts of the state and of the predecessors it continues."""
        return self.for_states([state])

    def for_states(self, states: Iterable[State]):
        """The acts of the states and of the predecessors they continue."""
        codes = {link.pk for state in states for link in state.continued_states()}
        return (
            self.filter(state__in=codes)
            .select_related("instrument", "state")
            .prefetch_related("provisions")
            .order_by("deposited_on", "pk")
        )

    def public(self):
        return self.filter(instrument__in=Instrument.objects.public())


class TreatyEvent(Tracked):
    """One treaty act of a state: a signature, ratification, reservation, withdrawal, ..."""

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="treaty_events")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="treaty_events"
    )
    kind = models.CharField(max_length=30, choices=TreatyEventKind.choices)
    deposited_on = models.DateField(
        help_text=_("Date of signature, deposit or notification, as the depositary records it.")
    )
    effective_on_override = models.DateField(
        null=True,
        blank=True,
        help_text=_("Only if the effective date differs from what the instrument's rule gives."),
    )
    withdraws = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawn_by",
        help_text=_("For a withdrawal of a reservation or declaration: which one."),
    )
    provisions = models.ManyToManyField(
        Provision,
        blank=True,
        related_name="treaty_events",
        help_text=_("The articles a reservation or declaration concerns."),
    )
    jurisdiction_from = models.DateField(null=True, blank=True)
    jurisdiction_to = models.DateField(
        null=True, blank=True, help_text=_("Empty: from the start date onwards.")
    )
    exclusion_scope = models.CharField(
        max_length=20,
        choices=ExclusionScope.choices,
        blank=True,
        default="",
        help_text=_("Art. 124 declarations only: whose war crimes are excluded."),
    )
    text = models.TextField(
        blank=True, default="", help_text=_("The text or a summary of the act.")
    )
    note = models.TextField(blank=True, default="")

    objects = TreatyEventQuerySet.as_manager()

    history = History(m2m_fields=["provisions"])

    # The importer validates a file's acts against each other once they are all written,
    # since the earlier acts of the same batch are not in the database while it validates.
    defer_sequence_check = False

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["state", "instrument", "kind", "deposited_on"],
                condition=~Q(kind__in=sorted(STATEMENT_KINDS)),
                name="treaty_event_unique_act",
            ),
            models.CheckConstraint(
                condition=Q(withdraws__isnull=True)
                | Q(kind__in=sorted(STATEMENT_WITHDRAWAL_KINDS)),
                name="treaty_event_withdraws_only_statements",
            ),
            models.CheckConstraint(
                condition=Q(kind=TreatyEventKind.JURISDICTION_DECLARATION)
                | Q(jurisdiction_from__isnull=True, jurisdiction_to__isnull=True),
                name="treaty_event_jurisdiction_only_12_3",
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction_to__isnull=True)
                | Q(jurisdiction_from__isnull=True)
                | Q(jurisdiction_to__gte=F("jurisdiction_from")),
                name="treaty_event_jurisdiction_order",
            ),
            models.CheckConstraint(
                condition=(Q(kind=TreatyEventKind.WAR_CRIMES_EXCLUSION) & ~Q(exclusion_scope=""))
                | (~Q(kind=TreatyEventKind.WAR_CRIMES_EXCLUSION) & Q(exclusion_scope="")),
                name="treaty_event_scope_only_and_always_124",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "instrument", "deposited_on"], name="treaty_event_idx")
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        return f"{self.state} – {self.instrument}: {kind} ({self.deposited_on:%-d %B %Y})"

    @property
    def effective_on(self) -> datetime.date | None:
        """When the act takes effect: the override, or the instrument's rule. No consent
        takes effect before the instrument itself is in force, override or not."""
        if self.kind in CONSENT_KINDS:
            if self.effective_on_override is None:
                return self.instrument.consent_takes_effect(self.deposited_on)
            in_force = self.instrument.entry_into_force_on
            return max(self.effective_on_override, in_force or self.effective_on_override)
        if self.effective_on_override:
            return self.effective_on_override
        if self.kind == TreatyEventKind.DENUNCIATION:
            return self.instrument.withdrawal_takes_effect(self.deposited_on)
        return self.deposited_on

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.kind in STATEMENT_WITHDRAWAL_KINDS and not self.withdraws_id:
            errors["withdraws"] = "Say which reservation or declaration is withdrawn."
        if self.withdraws_id and self.state_id:
            if self.withdraws.state_id not in {s.pk for s in self.state.continued_states()}:
                errors["withdraws"] = (
                    "A state can only withdraw its own (or its predecessor's) act."
                )
            elif self.instrument_id and self.withdraws.instrument_id != self.instrument_id:
                errors["withdraws"] = "The act withdrawn must be under the same instrument."
        declares_jurisdiction = self.kind == TreatyEventKind.JURISDICTION_DECLARATION
        if declares_jurisdiction and not self.jurisdiction_from:
            errors["jurisdiction_from"] = "An art. 12(3) declaration needs the start of its scope."
        if not declares_jurisdiction:
            for name in ("jurisdiction_from", "jurisdiction_to"):
                if getattr(self, name):
                    errors[name] = "Only an art. 12(3) declaration has a period of jurisdiction."
        elif (
            self.jurisdiction_from
            and self.jurisdiction_to
            and self.jurisdiction_to < self.jurisdiction_from
        ):
            errors["jurisdiction_to"] = "The period ends before it starts."
        excludes = self.kind == TreatyEventKind.WAR_CRIMES_EXCLUSION
        if excludes and not self.exclusion_scope:
            errors["exclusion_scope"] = (
                "An art. 124 declaration needs its scope: whose war crimes it excludes."
            )
        if not excludes and self.exclusion_scope:
            errors["exclusion_scope"] = "Only an art. 124 declaration has this scope."
        # The instrument may be new, entered on the same page (its rows in the admin).
        instrument = self.instrument if TreatyEvent.instrument.is_cached(self) else None
        if instrument is None and self.instrument_id:
            instrument = self.instrument
        if instrument is not None and self.deposited_on:
            errors.update(self._lifetime_errors(instrument))
        if (
            self.state_id
            and instrument is not None
            and self.deposited_on
            and "kind" not in errors
            and not self.defer_sequence_check
        ):
            message = self.sequence_error()
            if message:
                errors["kind"] = message
        if errors:
            raise ValidationError(errors)

    def _lifetime_errors(self, instrument: Instrument) -> dict[str, str]:
        """Acts must fall within the instrument's life: none before its adoption, no consent
        in effect before its entry into force, no accepted jurisdiction before it (art. 11)."""
        errors = {}
        adopted, in_force = instrument.adopted_on, instrument.entry_into_force_on
        if adopted and self.deposited_on < adopted:
            errors["deposited_on"] = gettext(
                "%(instrument)s was adopted on %(date)s: no act of a state can come before it."
            ) % {"instrument": instrument, "date": written_date(adopted)}
        override = self.effective_on_override
        if override:
            if self.kind in CONSENT_KINDS and in_force and override < in_force:
                errors["effective_on_override"] = gettext(
                    "%(instrument)s entered into force on %(date)s: no state can be bound by it "
                    "earlier. Leave the field empty unless the depositary records a later date."
                ) % {"instrument": instrument, "date": written_date(in_force)}
            elif override < self.deposited_on and self.kind != TreatyEventKind.SUCCESSION:
                errors["effective_on_override"] = gettext(
                    "An act cannot take effect before it was deposited; only a notification of "
                    "succession reaches back (to the date of succession)."
                )
        if self.jurisdiction_from and in_force and self.jurisdiction_from < in_force:
            errors["jurisdiction_from"] = gettext(
                "%(instrument)s entered into force on %(date)s: no jurisdiction can be accepted "
                "for earlier crimes (Rome Statute art. 11(1))."
            ) % {"instrument": instrument, "date": written_date(in_force)}
        return errors

    def sequence_error(self) -> str | None:
        """Whether this act fits the state's recorded acts under the instrument (its own, and
        those of the states it continues)."""
        others = []
        if self.instrument.pk is not None:
            others = TreatyEvent.objects.for_state(self.state).filter(instrument=self.instrument)
        events = [e for e in others if e.pk != self.pk or self.pk is None] + [self]
        return next((m for e, m in treaty_sequence_errors(events) if e is self), None)


def treaty_sequence_errors(events: Iterable[TreatyEvent]) -> list[tuple[TreatyEvent, str]]:
    """The acts that do not fit the acts before them: a denunciation needs a consent in
    force, a consent needs none in force, a signature withdrawal needs a signature and no
    consent, an art. 124 declaration needs a consent (it may be of the same day)."""
    order = {
        TreatyEventKind.SIGNATURE: 0,
        **dict.fromkeys(CONSENT_KINDS, 1),
        TreatyEventKind.SIGNATURE_WITHDRAWAL: 3,
        TreatyEventKind.DENUNCIATION: 3,
    }
    ordered = sorted(
        events, key=lambda e: (e.deposited_on, order.get(e.kind, 2), e.pk or float("inf"))
    )
    bound_by, signed, errors = None, False, []
    for event in ordered:
        state, kind, message = event.state, event.kind, None
        if kind == TreatyEventKind.DENUNCIATION:
            if bound_by is None:
                message = gettext(
                    "A denunciation needs an earlier ratification, accession, acceptance or "
                    "succession of %(state)s in force; none is recorded. Enter that act first."
                ) % {"state": state}
            bound_by = None
        elif kind == TreatyEventKind.WAR_CRIMES_EXCLUSION and bound_by is None:
            message = gettext(
                "An art. 124 declaration is made on becoming a party: enter the ratification "
                "or accession first (it may have the same date)."
            )
        elif kind in CONSENT_KINDS:
            if bound_by is not None:
                message = gettext(
                    "%(state)s is already bound by its %(act)s of %(date)s; record a "
                    "denunciation before a new consent."
                ) % {
                    "state": state,
                    "act": bound_by.get_kind_display().lower(),
                    "date": written_date(bound_by.deposited_on),
                }
            else:
                bound_by = event
        elif kind == TreatyEventKind.SIGNATURE_WITHDRAWAL:
            if bound_by is not None:
                message = gettext(
                    "%(state)s is a party (its %(act)s of %(date)s): a party leaves by "
                    "denunciation, not by withdrawing its signature."
                ) % {
                    "state": state,
                    "act": bound_by.get_kind_display().lower(),
                    "date": written_date(bound_by.deposited_on),
                }
            elif not signed:
                message = gettext(
                    "No signature of %(state)s is recorded before this date to withdraw."
                ) % {"state": state}
            signed = False
        elif kind == TreatyEventKind.SIGNATURE:
            signed = True
        if message:
            errors.append((event, message))
    return errors


def written_date(day: datetime.date) -> str:
    """A date as the site writes it, in the active language: 1 March 2022, 1 березня 2022."""
    return date_format(day, "DATE_FORMAT")


class SecurityCouncilReferralQuerySet(models.QuerySet):
    def public(self):
        return self.filter(instrument__in=Instrument.objects.public())


class SecurityCouncilReferral(Tracked):
    """A situation referred to the Prosecutor by the Security Council (Rome Statute
    art. 13(b)): the Court may then exercise jurisdiction over crimes in that situation
    whether or not the states concerned are parties."""

    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text=_("The statute under which the situation is referred (the Rome Statute)."),
    )
    resolution = models.CharField(max_length=100, help_text=_("e.g. S/RES/1593 (2005)"))
    adopted_on = models.DateField()
    situation = models.CharField(max_length=300, help_text=_("e.g. Darfur, Sudan"))
    states = models.ManyToManyField(
        State, related_name="referrals", help_text=_("The states whose territory is referred.")
    )
    jurisdiction_from = models.DateField(help_text=_("The referral covers crimes from this day."))
    jurisdiction_to = models.DateField(
        null=True, blank=True, help_text=_("Empty: from the start date onwards.")
    )
    note = models.TextField(blank=True, default="")

    objects = SecurityCouncilReferralQuerySet.as_manager()

    history = History(m2m_fields=["states"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution"], name="referral_resolution_unique"),
            models.CheckConstraint(
                condition=Q(jurisdiction_to__isnull=True)
                | Q(jurisdiction_to__gte=F("jurisdiction_from")),
                name="referral_jurisdiction_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resolution}: {self.situation}"

    def covers(self, on: datetime.date) -> bool:
        return self.jurisdiction_from <= on and (
            self.jurisdiction_to is None or on <= self.jurisdiction_to
        )


class TreatyStatusKind(models.TextChoices):
    BOUND = "bound", _("Bound")
    SIGNATORY = "signatory", _("Signatory, not bound")
    JURISDICTION_ACCEPTED = (
        "jurisdiction_accepted",
        _("Not a party; jurisdiction accepted under art. 12(3)"),
    )
    NOT_BOUND = "not_bound", _("Not bound")
    NO_RECORD = "no_record", _("No treaty act recorded here")
    CUSTOMARY = "customary", _("Binds all states as customary law")


# Acts that only a state not (yet) bound makes: a recorded one after a date shows that the
# state was not bound on that date.
_JOINING_KINDS = {
    *CONSENT_KINDS,
    TreatyEventKind.SIGNATURE,
    TreatyEventKind.JURISDICTION_DECLARATION,
}


@dataclass(frozen=True)
class TreatyStatus:
    """The answer to "was `state` bound by `instrument` on `on`?", with the act it rests on
    (`basis`) and the reason in words. "Not bound" is said only when a recorded act makes it
    so; when nothing recorded settles the question the answer is "no record"."""

    state: State
    instrument: Instrument
    on: datetime.date
    kind: TreatyStatusKind
    reason: str = ""
    since: datetime.date | None = None
    basis: TreatyEvent | None = None
    via: State | None = None  # the predecessor whose act binds the state
    reservations: tuple[TreatyEvent, ...] = field(default=())
    declarations: tuple[TreatyEvent, ...] = field(default=())  # in force; not art. 12(3)
    jurisdiction_declarations: tuple[TreatyEvent, ...] = field(default=())  # covering `on`

    @property
    def label(self) -> str:
        return self.kind.label

    @classmethod
    def compute(
        cls,
        *,
        state: State,
        instrument: Instrument,
        on: datetime.date,
        events: Iterable[TreatyEvent],
    ) -> "TreatyStatus":
        answer = partial(cls, state=state, instrument=instrument, on=on)
        if instrument.kind == InstrumentKind.CUSTOMARY:
            return answer(
                kind=TreatyStatusKind.CUSTOMARY,
                reason=gettext(
                    "Customary international law binds every state; no act of acceptance is needed."
                ),
            )
        events = sorted(events, key=lambda e: (e.deposited_on, e.pk))
        in_effect = sorted(
            (e for e in events if e.effective_on is not None and e.effective_on <= on),
            key=lambda e: (e.effective_on, e.pk),
        )
        bound_by = signed_by = ended_by = None
        for event in in_effect:
            if event.kind in CONSENT_KINDS:
                bound_by, ended_by = bound_by or event, None
            elif event.kind == TreatyEventKind.DENUNCIATION:
                bound_by, signed_by, ended_by = None, None, event
            elif event.kind == TreatyEventKind.SIGNATURE:
                signed_by = signed_by or event
            elif event.kind == TreatyEventKind.SIGNATURE_WITHDRAWAL:
                signed_by = None
                ended_by = ended_by if bound_by else event
        withdrawn_on = {
            e.withdraws_id: e.effective_on
            for e in events
            if e.kind in STATEMENT_WITHDRAWAL_KINDS and e.effective_on
        }

        def in_force(e: TreatyEvent) -> bool:
            return e.pk not in withdrawn_on or withdrawn_on[e.pk] > on

        # An art. 12(3) declaration covers its declared period, whenever it was lodged.
        covering = tuple(
            e
            for e in events
            if e.kind == TreatyEventKind.JURISDICTION_DECLARATION
            and e.jurisdiction_from is not None
            and e.jurisdiction_from <= on
            and (e.jurisdiction_to is None or on <= e.jurisdiction_to)
            and in_force(e)
        )
        via = partial(_via, state)
        if bound_by:
            # Reservations and declarations bind only a party (VCLT arts. 20-21).
            statements = [
                e
                for e in in_effect
                if e.kind in STATEMENT_KINDS
                and e.kind != TreatyEventKind.JURISDICTION_DECLARATION
                and in_force(e)
            ]
            reason = (
                gettext("%(act)s, in effect from %(date)s.")
                % {
                    "act": _act(bound_by, start=True),
                    "date": written_date(bound_by.effective_on),
                }
                + f"{_continues(state, bound_by)}{_also_covered(covering)}"
            )
            return answer(
                kind=TreatyStatusKind.BOUND,
                reason=reason,
                since=bound_by.effective_on,
                basis=bound_by,
                via=via(bound_by),
                reservations=tuple(e for e in statements if e.kind == TreatyEventKind.RESERVATION),
                declarations=tuple(e for e in statements if e.kind != TreatyEventKind.RESERVATION),
                jurisdiction_declarations=covering,
            )
        if covering:
            first = covering[0]
            return answer(
                kind=TreatyStatusKind.JURISDICTION_ACCEPTED,
                reason=gettext("Not a party on %(date)s; %(scope)s")
                % {"date": written_date(on), "scope": _scope(first)}
                + _continues(state, first),
                since=first.jurisdiction_from,
                basis=first,
                via=via(first),
                jurisdiction_declarations=covering,
            )
        if signed_by:
            return answer(
                kind=TreatyStatusKind.SIGNATORY,
                reason=gettext(
                    "Signed on %(signed)s; no ratification in effect on %(date)s. A signatory "
                    "is not bound by the treaty, but must not defeat its object and purpose "
                    "(Vienna Convention on the Law of Treaties, art. 18)."
                )
                % {"signed": written_date(signed_by.deposited_on), "date": written_date(on)}
                + _continues(state, signed_by),
                since=signed_by.effective_on,
                basis=signed_by,
                via=via(signed_by),
            )
        if ended_by:
            return answer(
                kind=TreatyStatusKind.NOT_BOUND,
                reason=gettext("%(act)s, in effect from %(date)s.")
                % {"act": _act(ended_by, start=True), "date": written_date(ended_by.effective_on)}
                + _continues(state, ended_by),
                since=ended_by.effective_on,
                basis=ended_by,
                via=via(ended_by),
            )
        started = instrument.entry_into_force_on
        if started and on < started:
            return answer(
                kind=TreatyStatusKind.NOT_BOUND,
                reason=gettext(
                    "%(instrument)s entered into force on %(date)s; before that it bound no state."
                )
                % {"instrument": instrument, "date": written_date(started)},
            )
        later = next(
            (
                e
                for e in events
                if e.kind in _JOINING_KINDS
                and (e.deposited_on > on or e.effective_on is None or e.effective_on > on)
            ),
            None,
        )
        if later:
            if later.kind == TreatyEventKind.JURISDICTION_DECLARATION:
                shows = gettext("which only a state that is not a party makes (art. 12(3))")
            elif later.kind == TreatyEventKind.SIGNATURE:
                shows = gettext("so it had not joined before")
            elif later.effective_on:
                shows = gettext("in effect only from %(date)s") % {
                    "date": written_date(later.effective_on)
                }
            else:
                shows = gettext("which takes effect once %(instrument)s is in force") % {
                    "instrument": instrument
                }
            return answer(
                kind=TreatyStatusKind.NOT_BOUND,
                reason=gettext("Not yet bound on %(date)s: %(act)s, %(shows)s.")
                % {"date": written_date(on), "act": _act(later), "shows": shows}
                + _continues(state, later),
                basis=later,
                via=via(later),
            )
        if not events:
            reason = gettext(
                "No treaty act of %(state)s under %(instrument)s is recorded here. This is not "
                "a finding that it was not bound."
            ) % {"state": state, "instrument": instrument}
        else:
            reason = gettext(
                "The acts of %(state)s recorded here do not settle its status on %(date)s. "
                "This is not a finding that it was not bound."
            ) % {"state": state, "date": written_date(on)}
        return answer(kind=TreatyStatusKind.NO_RECORD, reason=reason)


def _via(state: State, event: TreatyEvent) -> State | None:
    return event.state if event.state_id != state.pk else None


def _act(event: TreatyEvent, *, start: bool = False) -> str:
    """ "ratification deposited on 10 May 1954" and the like; `start`: opening a sentence."""
    day = written_date(event.deposited_on)
    if event.kind == TreatyEventKind.SIGNATURE:
        text = gettext("signed on %(date)s") % {"date": day}
    else:
        label = event.get_kind_display()
        values = {"act": f"{label[0].lower()}{label[1:]}", "date": day}
        if event.kind in {TreatyEventKind.DENUNCIATION, TreatyEventKind.SIGNATURE_WITHDRAWAL}:
            text = gettext("%(act)s notified on %(date)s") % values
        elif event.kind == TreatyEventKind.JURISDICTION_DECLARATION:
            text = gettext("%(act)s lodged on %(date)s") % values
        else:
            text = gettext("%(act)s deposited on %(date)s") % values
    return text[0].upper() + text[1:] if start else text


def _continues(state: State, event: TreatyEvent) -> str:
    if event.state_id == state.pk:
        return ""
    return " " + gettext(
        "%(state)s continues the treaty status of %(predecessor)s (the act is the latter's)."
    ) % {"state": state, "predecessor": event.state}


def _scope(declaration: TreatyEvent) -> str:
    end = declaration.jurisdiction_to
    values = {
        "lodged": written_date(declaration.deposited_on),
        "start": written_date(declaration.jurisdiction_from),
    }
    if end:
        return gettext(
            "its declaration under art. 12(3) lodged on %(lodged)s accepts the Court's "
            "jurisdiction from %(start)s to %(end)s."
        ) % {**values, "end": written_date(end)}
    return (
        gettext(
            "its declaration under art. 12(3) lodged on %(lodged)s accepts the Court's "
            "jurisdiction from %(start)s onwards."
        )
        % values
    )


def _also_covered(covering: tuple[TreatyEvent, ...]) -> str:
    if not covering:
        return ""
    return " " + gettext("Also, %(scope)s") % {"scope": _scope(covering[0])}


def treaty_events_of(
    states: Iterable[State], instruments: Iterable[Instrument]
) -> dict[str, dict[int, list[TreatyEvent]]]:
    """Each state's acts under each instrument, its own and those of the predecessors it
    continues, by state code and instrument id.

    The acts of all the states are read at once, so the queries do not grow with the number
    of states. continued_states() reads each predecessor: select them with the states
    (predecessor__predecessor) to spare a query per link.
    """
    states, instruments = list(states), list(instruments)
    events = list(TreatyEvent.objects.for_states(states).filter(instrument__in=instruments))
    by_state = {}
    for state in states:
        chain = {link.pk for link in state.continued_states()}
        own: dict[int, list[TreatyEvent]] = {i.pk: [] for i in instruments}
        for event in events:
            if event.state_id in chain:
                own[event.instrument_id].append(event)
        by_state[state.pk] = own
    return by_state


def treaty_statuses_of(
    states: Iterable[State], on: datetime.date, instruments: Iterable[Instrument]
) -> dict[str, list[TreatyStatus]]:
    """Each state's status under every given instrument on a date, by state code."""
    states, instruments = list(states), list(instruments)
    events = treaty_events_of(states, instruments)
    return {
        state.pk: [
            TreatyStatus.compute(state=state, instrument=i, on=on, events=events[state.pk][i.pk])
            for i in instruments
        ]
        for state in states
    }
