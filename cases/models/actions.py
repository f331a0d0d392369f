"""The response: warrants, indictments, verdicts, sanctions, resolutions, findings."""

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.edtf import EDTFField

from .actors import Actor
from .base import History, Publishable, PublishableQuerySet, SyncStamped, Tracked
from .incidents import Incident
from .law import Provision, State, written_date
from .sources import Citation
from .translations import translated_search_vector, translated_texts


class ActionKind(models.TextChoices):
    ARREST_WARRANT = "arrest_warrant", _("Arrest warrant")
    SUMMONS = "summons", _("Summons to appear")
    INDICTMENT = "indictment", _("Indictment or charge")
    VERDICT = "verdict", _("Verdict or judgment")
    SANCTIONS = "sanctions", _("Sanctions designation")
    UN_RESOLUTION = "un_resolution", _("UN resolution")
    INQUIRY_FINDING = "inquiry_finding", _("Commission of inquiry finding")
    OTHER = "other", _("Other")


class SealStatus(models.TextChoices):
    PUBLIC = "public", _("Public from issue")
    UNDER_SEAL = "under_seal", _("Under seal")
    UNSEALED = "unsealed", _("Issued under seal, existence made public")


class ActionStatus(models.TextChoices):
    PENDING = "pending", _("Pending (applied for)")
    ACTIVE = "active", _("Active")
    EXECUTED = "executed", _("Executed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LIFTED = "lifted", _("Lifted")
    CONCLUDED = "concluded", _("Concluded")
    WITHOUT_EFFECT = "without_effect", _("Without effect (e.g. after the subject's death)")


class ActionQuerySet(PublishableQuerySet):
    def with_list_related(self):
        """The issuing body when it is public (`public_issuing_body`, else None)."""
        return self.prefetch_related(
            Prefetch("issuing_body", queryset=Actor.objects.public(), to_attr="public_issuing_body")
        )

    def with_detail_related(self):
        """Everything an action's page and its API detail show, public related rows only,
        in a fixed number of queries: subjects by name, charges by instrument then article,
        incidents by date, citations, and the timeline."""
        charges = (
            Charge.objects.public()
            .select_related("provision__instrument", "subject")
            .prefetch_related(
                Prefetch(
                    "modes_of_liability",
                    queryset=Provision.objects.public()
                    .select_related("instrument")
                    .order_by("position", "pk"),
                )
            )
            .order_by("provision__instrument__short_title", "provision__position", "pk")
        )
        return self.with_list_related().prefetch_related(
            Prefetch(
                "subject_links",
                # A subject link has no public(): it is public with its actor.
                queryset=ActionSubject.objects.filter(actor__in=Actor.objects.public())
                .select_related("actor")
                .order_by("actor__name", "pk"),
                to_attr="public_subjects",
            ),
            Prefetch("charges", queryset=charges, to_attr="public_charges"),
            Prefetch(
                "incidents",
                queryset=Incident.objects.public()
                .with_list_related()
                .order_by("date_earliest", "pk"),
                to_attr="public_incidents",
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.of_public_record().order_by("pk"),
                to_attr="public_citations",
            ),
            Prefetch(
                "events", queryset=ActionEvent.objects.public_timeline(), to_attr="public_events"
            ),
        )


# What an action is found and ranked by among its own fields (cases.search.search_actions):
# stored in the row (AccountabilityAction.search_document, as an incident's search_vector),
# matched through its GIN index and ranked without computing it again. Title and summary in
# every language, each with its language's configuration, as an incident's (docs/search.md,
# "Texts in several languages"); an English original with no translation has the lexemes it
# had. Its issuing body and subjects are found by their names, as actors.
ACTION_SEARCH_DOCUMENT = (
    SearchVector("title", "reference", weight="A", config="simple")
    + translated_search_vector("title", weight="A")
    + translated_search_vector("summary", weight="B")
)


ActionTexts = translated_texts(
    "ActionTexts",
    {
        "title": (_("title"), 300),
        "summary": (_("summary"), None),
        "description": (_("description"), None),
        "withdrawal_reason": (_("withdrawal reason"), None),
    },
)


class AccountabilityAction(ActionTexts, SyncStamped, Publishable):
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    title = models.CharField(max_length=300)
    issuing_body = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="issued_actions")
    reference = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text=_("Case or document number, e.g. ICC-01/22"),
    )
    applied_on = models.DateField(null=True, blank=True, help_text=_("Application or request."))
    issued_on = models.DateField(null=True, blank=True)
    announced_on = models.DateField(null=True, blank=True, help_text=_("Made public."))
    seal_status = models.CharField(
        max_length=20, choices=SealStatus.choices, default=SealStatus.PUBLIC
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.ACTIVE
    )
    summary = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    subjects = models.ManyToManyField(
        Actor, through="ActionSubject", related_name="actions_as_subject", blank=True
    )
    incidents = models.ManyToManyField(Incident, blank=True, related_name="actions")
    search_document = models.GeneratedField(
        expression=ACTION_SEARCH_DOCUMENT, output_field=SearchVectorField(), db_persist=True
    )

    objects = ActionQuerySet.as_manager()

    history = History(excluded_fields=["changed_at", "search_document"], m2m_fields=["incidents"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(issued_on__gte=F("applied_on")),
                name="action_issued_after_applied",
            ),
            models.CheckConstraint(
                condition=Q(announced_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(announced_on__gte=F("issued_on")),
                name="action_announced_after_issued",
            ),
        ]
        indexes = [
            models.Index(fields=["issued_on"], name="action_issued_idx"),
            models.Index(fields=["kind", "status"], name="action_kind_status_idx"),
            GinIndex(fields=["search_document"], name="action_search_document_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:action-detail", args=[self.pk])


class ActionSubject(models.Model):
    """A person or body an action is directed at."""

    action = models.ForeignKey(
        AccountabilityAction, on_delete=models.CASCADE, related_name="subject_links"
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="subject_links")
    note = models.CharField(max_length=300, blank=True, default="")

    history = History(parents=("action",))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "actor"], name="action_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.action})"


class ChargeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(
            action__in=AccountabilityAction.objects.public(),
            provision__in=Provision.objects.public(),
        ).filter(Q(subject__isnull=True) | Q(subject__in=Actor.objects.public()))


class Charge(Tracked):
    """One charge of an action: the crime (a provision), how the subject is liable, when."""

    action = models.ForeignKey(
        AccountabilityAction, on_delete=models.CASCADE, related_name="charges"
    )
    subject = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
        help_text=_("Empty: the charge concerns every subject of the action."),
    )
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="charges", help_text=_("The crime.")
    )
    modes_of_liability = models.ManyToManyField(
        Provision,
        blank=True,
        related_name="charges_as_mode",
        help_text=_("e.g. Rome Statute art. 25(3)(a), art. 28(b)."),
    )
    description = models.TextField(blank=True, default="")
    crime_period = EDTFField(
        lower_field="crime_period_start",
        upper_field="crime_period_end",
        help_text=_("EDTF, e.g. 2022-02-24/.. (from at least 24 February 2022)."),
    )
    crime_period_start = models.DateField(null=True, blank=True, editable=False)
    crime_period_end = models.DateField(null=True, blank=True, editable=False)

    objects = ChargeQuerySet.as_manager()

    history = History(parents=("action",), m2m_fields=["modes_of_liability"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(crime_period_start__isnull=True)
                | Q(crime_period_end__isnull=True)
                | Q(crime_period_end__gte=F("crime_period_start")),
                name="charge_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} – {self.action}"

    def clean(self) -> None:
        super().clean()
        if (
            self.subject_id
            and self.action_id
            and not self.action.subject_links.filter(actor_id=self.subject_id).exists()
        ):
            raise ValidationError(
                {"subject": _("The subject must be one of the action's subjects.")}
            )


class ActionEventKind(models.TextChoices):
    # In the order of an action's life: events of one day are placed in this order.
    APPLIED = "applied", _("Applied for")
    ISSUED = "issued", _("Issued")
    ISSUED_UNDER_SEAL = "issued_under_seal", _("Issued under seal")
    MADE_PUBLIC = "made_public", _("Made public (unsealed or announced)")
    ARREST = "arrest", _("Arrest")
    SURRENDER = "surrender", _("Surrender or transfer to the court")
    FIRST_APPEARANCE = "first_appearance", _("First appearance")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    WITHOUT_EFFECT = "without_effect", _("Without effect (e.g. after the subject's death)")
    EXECUTION_REFUSED = "execution_refused", _("Execution refused by a state")
    NON_COMPLIANCE = "non_compliance", _("Finding of non-compliance by a state")


Kind = ActionEventKind
ISSUE_KINDS = frozenset({Kind.ISSUED, Kind.ISSUED_UNDER_SEAL})
# Events that presuppose an issued action: none may be dated before its issue.
AFTER_ISSUE_KINDS = frozenset(
    {
        Kind.MADE_PUBLIC,
        Kind.ARREST,
        Kind.SURRENDER,
        Kind.FIRST_APPEARANCE,
        Kind.WITHOUT_EFFECT,
        Kind.EXECUTION_REFUSED,
        Kind.NON_COMPLIANCE,
    }
)
# Events that end the action for their subject (no subject: for every subject).
CLOSING_KINDS = {
    Kind.ARREST: ActionStatus.EXECUTED,
    Kind.SURRENDER: ActionStatus.EXECUTED,
    Kind.FIRST_APPEARANCE: ActionStatus.EXECUTED,
    Kind.WITHDRAWN: ActionStatus.WITHDRAWN,
    Kind.WITHOUT_EFFECT: ActionStatus.WITHOUT_EFFECT,
}
# When every subject's part is closed, but not all in the same way.
MIXED_CLOSING_ORDER = (ActionStatus.EXECUTED, ActionStatus.WITHDRAWN, ActionStatus.WITHOUT_EFFECT)
# Events about a state's conduct: they must name the state.
STATE_KINDS = frozenset({Kind.EXECUTION_REFUSED, Kind.NON_COMPLIANCE})
KIND_RANK = {kind: rank for rank, kind in enumerate(Kind.values)}
# The fields of an action that its events decide, once it has any.
LIFECYCLE_FIELDS = ("status", "seal_status", "applied_on", "issued_on", "announced_on")


def in_timeline_order(events: Iterable["ActionEvent"]) -> list["ActionEvent"]:
    """By date; one day's events in the order of an action's life (ActionEventKind), then
    as entered (by id, unsaved ones last in the order given)."""
    numbered = list(enumerate(events))
    numbered.sort(
        key=lambda item: (
            item[1].occurred_on,
            KIND_RANK.get(item[1].kind, len(KIND_RANK)),
            item[1].pk is None,
            item[1].pk or 0,
            item[0],
        )
    )
    return [event for _, event in numbered]


@dataclass(frozen=True)
class ActionLifecycle:
    """What an action's events say of it now: its status, seal status and dates.

    The one definition of these derived values (docs/action-lifecycle.md gives the rules in
    words); services.update_action_lifecycles() writes them on the action.
    """

    status: str
    seal_status: str
    applied_on: datetime.date | None
    issued_on: datetime.date | None
    announced_on: datetime.date | None

    @classmethod
    def derive(
        cls, *, events: Iterable["ActionEvent"], subject_ids: Collection[int]
    ) -> "ActionLifecycle | None":
        """From the action's events and the actor ids of its subjects. None without events:
        the action's fields then stay as entered (records older than events)."""
        events = in_timeline_order(e for e in events if e.occurred_on is not None)
        if not events:
            return None
        applied_on = issued_on = announced_on = None
        seal_status = SealStatus.PUBLIC
        # Whom the action is directed at; an action without subjects is one party.
        everyone = set(subject_ids) or {None}
        closed: dict[int | None, str] = {}  # subject -> how the action ended for them
        for event in events:
            kind, day = event.kind, event.occurred_on
            if kind == Kind.APPLIED:
                applied_on = applied_on or day
            elif kind in ISSUE_KINDS:
                if issued_on is None:  # the first issue decides the seal
                    issued_on = day
                    if kind == Kind.ISSUED_UNDER_SEAL:
                        seal_status = SealStatus.UNDER_SEAL
                    else:
                        announced_on = announced_on or day
            elif kind == Kind.MADE_PUBLIC:
                if seal_status == SealStatus.UNDER_SEAL:
                    seal_status = SealStatus.UNSEALED
                announced_on = announced_on or day
            elif kind in CLOSING_KINDS:
                # A later event wins over an earlier one for the same subject.
                concerned = everyone if event.subject_id is None else {event.subject_id}
                for subject in concerned & everyone:
                    closed[subject] = CLOSING_KINDS[kind]
        endings = {closed.get(subject) for subject in everyone}
        if None not in endings:
            status = next(s for s in MIXED_CLOSING_ORDER if s in endings)
        elif issued_on is None and applied_on is not None:
            status = ActionStatus.PENDING
        else:
            status = ActionStatus.ACTIVE
        return cls(
            status=status,
            seal_status=seal_status,
            applied_on=applied_on,
            issued_on=issued_on,
            announced_on=announced_on,
        )

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in LIFECYCLE_FIELDS}


def lifecycle_problems(
    events: Sequence["ActionEvent"], subject_ids: Collection[int] | None
) -> list[tuple[int, str, str]]:
    """(index of the event in `events`, field, message) for each rule a set of an action's
    events breaks: nothing before the application, nothing that presupposes the issue
    before it, a subject that is not a subject of the action (when `subject_ids` is known).
    The application and the issue are the earliest events of their kinds."""
    dated = [e for e in events if e.occurred_on is not None]
    applied = min((e.occurred_on for e in dated if e.kind == Kind.APPLIED), default=None)
    issued = min((e.occurred_on for e in dated if e.kind in ISSUE_KINDS), default=None)
    problems = []
    for index, event in enumerate(events):
        day = event.occurred_on
        if day is not None and applied and event.kind != Kind.APPLIED and day < applied:
            problems.append(
                (
                    index,
                    "occurred_on",
                    gettext(
                        "It is dated before the application (%(date)s): the application comes "
                        "first. Correct one of the two dates."
                    )
                    % {"date": written_date(applied)},
                )
            )
        elif day is not None and issued and event.kind in AFTER_ISSUE_KINDS and day < issued:
            problems.append(
                (
                    index,
                    "occurred_on",
                    gettext(
                        "It is dated before the issue (%(date)s): “%(event)s” comes after it. "
                        "Correct one of the two dates."
                    )
                    % {"date": written_date(issued), "event": event.get_kind_display()},
                )
            )
        if subject_ids is not None and event.subject_id and event.subject_id not in subject_ids:
            problems.append(
                (
                    index,
                    "subject",
                    gettext(
                        "%(subject)s is not among the subjects of this action: add them under "
                        "Subjects, or leave the subject empty for an event concerning every "
                        "subject."
                    )
                    % {"subject": event.subject},
                )
            )
    return problems


def states_problem(kind: str, states: Collection) -> str | None:
    """An event about a state's conduct must name the state."""
    if kind in STATE_KINDS and not states:
        return gettext(
            "Name the state: “%(event)s” is about a state's conduct (the state that refused, "
            "or that failed to comply)."
        ) % {"event": Kind(kind).label}
    return None


class ActionEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(action__in=AccountabilityAction.objects.public()).filter(
            Q(subject__isnull=True) | Q(subject__in=Actor.objects.public())
        )

    def in_timeline_order(self):
        """The order of in_timeline_order(), in the database."""
        rank = Case(
            *(When(kind=kind, then=Value(rank)) for kind, rank in KIND_RANK.items()),
            default=Value(len(KIND_RANK)),
        )
        return self.order_by("occurred_on", rank, "pk")

    def public_timeline(self):
        """Public events in timeline order, with their subjects, states (by name) and public
        citations (`public_citations`): the shape the action page and the API share."""
        return (
            self.public()
            .select_related("subject")
            .prefetch_related(
                Prefetch("states", queryset=State.objects.order_by("name", "code")),
                Prefetch(
                    "citations",
                    queryset=Citation.objects.public().select_related("source").order_by("pk"),
                    to_attr="public_citations",
                ),
            )
            .in_timeline_order()
        )


class ActionEvent(Tracked):
    """A dated step in the life of an action: applied for, issued, made public, executed, ...

    The action's status, seal status and dates derive from its events (ActionLifecycle).
    """

    action = models.ForeignKey(
        AccountabilityAction, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=30, choices=ActionEventKind.choices)
    occurred_on = models.DateField()
    subject = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_events",
        help_text=_("Empty: the event concerns every subject of the action."),
    )
    states = models.ManyToManyField(
        State,
        blank=True,
        related_name="action_events",
        help_text=_("The states concerned, e.g. the state that arrested or failed to arrest."),
    )
    description = models.TextField(blank=True, default="")

    objects = ActionEventQuerySet.as_manager()

    history = History(parents=("action",), m2m_fields=["states"])

    class Meta:
        indexes = [
            models.Index(fields=["action", "occurred_on"], name="action_event_order_idx"),
        ]

    def __str__(self) -> str:
        when = written_date(self.occurred_on) if self.occurred_on else "undated"
        return f"{self.get_kind_display()}, {when} – {self.action}"

    def clean(self) -> None:
        """The event against the action's other events and subjects as stored. (A form that
        enters several events and subjects at once checks them together instead, with
        lifecycle_problems(), and sets `checked_with_its_submission`.)"""
        super().clean()
        if getattr(self, "checked_with_its_submission", False) or not self.action_id:
            return
        others = list(self.action.events.exclude(pk=self.pk).order_by("pk"))
        subject_ids = set(self.action.subject_links.values_list("actor_id", flat=True))
        before = {(i, field) for i, field, _ in lifecycle_problems(others, subject_ids)}
        errors: dict[str, list[str]] = {}
        for index, field, message in lifecycle_problems([*others, self], subject_ids):
            if index == len(others):
                errors.setdefault(field, []).append(message)
            elif (index, field) not in before:
                other = others[index]
                errors.setdefault("occurred_on", []).append(
                    gettext(
                        "With this date, the “%(event)s” of %(date)s would be wrong: %(problem)s"
                    )
                    % {
                        "event": other.get_kind_display(),
                        "date": written_date(other.occurred_on),
                        "problem": message,
                    }
                )
        if errors:
            raise ValidationError(errors)

    def clean_m2m(self, values: dict[str, Collection]) -> None:
        """Checks of the many-to-many values, which clean() cannot see before they are saved:
        `values` maps a field name to its objects or ids (forms and the importer call it)."""
        if "states" in values and (problem := states_problem(self.kind, values["states"])):
            raise ValidationError({"states": problem})
