"""Actors: the people, states, organs, units, groups, bodies and courts in the record.

Victims and witnesses are not actors: see protected.py.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.edtf import EDTFField

from .base import History, Publishable, PublishableQuerySet, SyncStamped, Tracked
from .law import State


class ActorKind(models.TextChoices):
    PERSON = "person", _("Person")
    STATE = "state", _("State")
    STATE_ORGAN = "state_organ", _("State organ or official body")
    ARMED_UNIT = "armed_unit", _("Armed forces unit")
    ARMED_GROUP = "armed_group", _("Non-state armed group")
    INTERNATIONAL_BODY = "international_body", _("International body")
    COURT = "court", _("Court or tribunal")
    COMPANY = "company", _("Company")
    ORGANISATION = "organisation", _("Other organisation (NGO, commission, ...)")
    OTHER = "other", _("Other")


class ActorQuerySet(PublishableQuerySet):
    def with_profile_related(self):
        """Other names, identifiers and the memberships the public may see, in 3 queries."""
        return self.prefetch_related(
            "other_names",
            "identifiers",
            models.Prefetch(
                "memberships",
                # A membership is shown when the organisation is public (the member is).
                queryset=Membership.objects.filter(organisation__in=Actor.objects.public())
                .select_related("organisation")
                .order_by("period_start", "pk"),
                to_attr="public_memberships",
            ),
        )


class Actor(SyncStamped, Publishable):
    name = models.CharField(max_length=300, help_text=_("The name most used in English sources."))
    kind = models.CharField(max_length=30, choices=ActorKind.choices)
    state = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        help_text=_("For a state, the State itself; for others, the state they belong to."),
    )
    description = models.TextField(blank=True, default="")

    objects = ActorQuerySet.as_manager()

    history = History(excluded_fields=["changed_at"])

    class Meta:
        indexes = [
            models.Index(fields=["name"], name="actor_name_idx"),
            # the vector cases.search.search_actors() matches (migration 0006)
            GinIndex(SearchVector("name", config="simple"), name="actor_name_search_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:actor-detail", args=[self.pk])


class ActorName(models.Model):
    """Another name of an actor: a transliteration, a name in another script, a former name."""

    class Kind(models.TextChoices):
        NATIVE = "native", _("Name in the actor's own language")
        TRANSLITERATION = "transliteration", _("Transliteration")
        ALIAS = "alias", _("Alias or nickname")
        FORMER = "former", _("Former name")
        FULL = "full", _("Full name")

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(max_length=300)
    language = models.CharField(
        max_length=20, blank=True, default="", help_text=_("BCP 47 language tag, e.g. ru, uk.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ALIAS)

    history = History(parents=("actor",))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "name"], name="actor_name_unique"),
        ]
        indexes = [
            # the vector cases.search.search_actors() matches (migration 0006)
            GinIndex(SearchVector("name", config="simple"), name="actorname_name_search_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ActorIdentifier(models.Model):
    """An identifier of an actor in another system: Wikidata, a sanctions list, ..."""

    class Scheme(models.TextChoices):
        WIKIDATA = "wikidata", _("Wikidata")
        UK_SANCTIONS = "uk_sanctions", _("UK sanctions list")
        EU_SANCTIONS = "eu_sanctions", _("EU sanctions list")
        US_OFAC = "us_ofac", _("US OFAC SDN list")
        UN_SANCTIONS = "un_sanctions", _("UN Security Council sanctions list")
        ACLED = "acled", _("ACLED actor")
        OTHER = "other", _("Other")

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    value = models.CharField(max_length=200)

    history = History(parents=("actor",))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                condition=~Q(scheme="other"),
                name="actor_identifier_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class Membership(Tracked):
    """Person or unit X held post Y in organisation Z, from ... to ...."""

    member = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="members")
    post = models.CharField(max_length=300, blank=True, default="")
    period = EDTFField(
        lower_field="period_start",
        upper_field="period_end",
        help_text=_("EDTF, e.g. 2021-10-27/.. (from 27 October 2021, ongoing)."),
    )
    period_start = models.DateField(null=True, blank=True, editable=False, db_index=True)
    period_end = models.DateField(null=True, blank=True, editable=False, db_index=True)

    history = History(parents=("member",))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(member=F("organisation")), name="membership_not_of_itself"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="membership_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.post or 'member'}, {self.organisation}"
