"""The response: warrants, indictments, verdicts, sanctions, resolutions, findings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from cases.edtf import EDTFField

from .actors import Actor
from .base import History, Publishable, PublishableQuerySet, Tracked
from .incidents import Incident
from .law import Provision, State


class ActionKind(models.TextChoices):
    ARREST_WARRANT = "arrest_warrant", "Arrest warrant"
    SUMMONS = "summons", "Summons to appear"
    INDICTMENT = "indictment", "Indictment or charge"
    VERDICT = "verdict", "Verdict or judgment"
    SANCTIONS = "sanctions", "Sanctions designation"
    UN_RESOLUTION = "un_resolution", "UN resolution"
    INQUIRY_FINDING = "inquiry_finding", "Commission of inquiry finding"
    OTHER = "other", "Other"


class SealStatus(models.TextChoices):
    PUBLIC = "public", "Public from issue"
    UNDER_SEAL = "under_seal", "Under seal"
    UNSEALED = "unsealed", "Issued under seal, existence made public"


class ActionStatus(models.TextChoices):
    PENDING = "pending", "Pending (applied for)"
    ACTIVE = "active", "Active"
    EXECUTED = "executed", "Executed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LIFTED = "lifted", "Lifted"
    CONCLUDED = "concluded", "Concluded"
    WITHOUT_EFFECT = "without_effect", "Without effect (e.g. after the subject's death)"


class AccountabilityAction(Publishable):
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    title = models.CharField(max_length=300)
    issuing_body = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="issued_actions")
    reference = models.CharField(
        max_length=100, blank=True, default="", help_text="Case or document number, e.g. ICC-01/22"
    )
    applied_on = models.DateField(null=True, blank=True, help_text="Application or request.")
    issued_on = models.DateField(null=True, blank=True)
    announced_on = models.DateField(null=True, blank=True, help_text="Made public.")
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

    objects = PublishableQuerySet.as_manager()

    history = History(m2m_fields=["incidents"])

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
        help_text="Empty: the charge concerns every subject of the action.",
    )
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="charges", help_text="The crime."
    )
    modes_of_liability = models.ManyToManyField(
        Provision,
        blank=True,
        related_name="charges_as_mode",
        help_text="e.g. Rome Statute art. 25(3)(a), art. 28(b).",
    )
    description = models.TextField(blank=True, default="")
    crime_period = EDTFField(
        lower_field="crime_period_start",
        upper_field="crime_period_end",
        help_text="EDTF, e.g. 2022-02-24/.. (from at least 24 February 2022).",
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
            raise ValidationError({"subject": "The subject must be one of the action's subjects."})


class ActionEventKind(models.TextChoices):
    APPLIED = "applied", "Applied for"
    ISSUED = "issued", "Issued"
    ISSUED_UNDER_SEAL = "issued_under_seal", "Issued under seal"
    MADE_PUBLIC = "made_public", "Made public (unsealed or announced)"
    ARREST = "arrest", "Arrest"
    SURRENDER = "surrender", "Surrender or transfer to the court"
    FIRST_APPEARANCE = "first_appearance", "First appearance"
    WITHDRAWN = "withdrawn", "Withdrawn"
    WITHOUT_EFFECT = "without_effect", "Without effect (e.g. after the subject's death)"
    EXECUTION_REFUSED = "execution_refused", "Execution refused by a state"
    NON_COMPLIANCE = "non_compliance", "Finding of non-compliance by a state"


class ActionEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(action__in=AccountabilityAction.objects.public()).filter(
            Q(subject__isnull=True) | Q(subject__in=Actor.objects.public())
        )


class ActionEvent(Tracked):
    """A dated step in the life of an action: applied for, issued, made public, executed, ..."""

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
        help_text="Empty: the event concerns every subject of the action.",
    )
    states = models.ManyToManyField(
        State,
        blank=True,
        related_name="action_events",
        help_text="The states concerned, e.g. the state that arrested or failed to arrest.",
    )
    description = models.TextField(blank=True, default="")

    objects = ActionEventQuerySet.as_manager()

    history = History(parents=("action",), m2m_fields=["states"])

    class Meta:
        indexes = [
            models.Index(fields=["action", "occurred_on"], name="action_event_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.occurred_on:%-d %B %Y} – {self.action}"
