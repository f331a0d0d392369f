"""The facts: incidents, who was involved, and how the law qualifies them."""

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.edtf import EDTFField

from .actors import Actor
from .base import ChecksNamedFields, History, Publishable, PublishableQuerySet, SyncStamped, Tracked
from .law import Provision, State, ViolationCategory
from .sources import Citation
from .translations import RECORD_LANGUAGES, translated_search_vector, translated_texts

# actions.py imports this module (an action concerns incidents), so the incident's queries
# reach AccountabilityAction through the app registry: apps.get_model("cases", ...).

# Titles and descriptions are English; names in other scripts sit in search_names and are
# indexed without stemming ("simple"), so Львова-Бєлова matches exactly.
SEARCH_CONFIG = "english"


class ConflictType(models.TextChoices):
    INTERNATIONAL = "international", _("International armed conflict")
    OCCUPATION = "occupation", _("Belligerent occupation")
    NON_INTERNATIONAL = "non_international", _("Non-international armed conflict")
    NONE = "none", _("No armed conflict")
    UNKNOWN = "unknown", _("Not determined")


class VerificationStatus(models.TextChoices):
    ALLEGED = "alleged", _("Alleged")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")
    ADJUDICATED = "adjudicated", _("Adjudicated")
    DISPUTED = "disputed", _("Disputed")


class CoordinatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact location")
    NEAR = "near", _("Near (within a few km)")
    SETTLEMENT = "settlement", _("Settlement")
    DISTRICT = "district", _("District")
    REGION = "region", _("Region (ISO 3166-2 subdivision)")
    COUNTRY = "country", _("Country")


class IncidentQuerySet(PublishableQuerySet):
    def newest_first(self):
        """The order of every list of incidents: latest start first, undated last."""
        return self.order_by(F("date_earliest").desc(nulls_last=True), "-pk")

    def with_list_related(self):
        return self.select_related("country", "controlling_power")

    def with_export_related(self):
        """What an incident's CSV row shows (cases/exports.py), public related rows only, in
        a fixed number of queries: its involvements, qualifications, categories and the
        citations of all three. The detail adds to it (with_detail_related).

        The incident is public, so an involvement is public when its actor is, a
        qualification under LegalQualification.of_public_incident(), and a citation of the
        incident, of a public involvement or of a public qualification when its source is
        (Citation.of_public_record()).
        """
        public_citations = Citation.objects.of_public_record()
        cited = models.Prefetch(
            "citations", queryset=public_citations.order_by("pk"), to_attr="public_citations"
        )
        return self.select_related("country", "controlling_power", "parent").prefetch_related(
            models.Prefetch(
                "involvements",
                queryset=Involvement.objects.filter(actor__in=Actor.objects.public())
                .select_related("actor")
                .prefetch_related(cited)
                .order_by("role", "actor__name", "pk"),
                to_attr="public_involvements",
            ),
            models.Prefetch(
                "legal_qualifications",
                queryset=LegalQualification.objects.of_public_incident()
                .select_related("provision__instrument", "asserted_by")
                .prefetch_related(cited)
                .order_by("provision__instrument__short_title", "provision__position", "pk"),
                to_attr="public_qualifications",
            ),
            models.Prefetch(
                "citations",
                queryset=public_citations.order_by("source__published_on", "pk"),
                to_attr="public_citations",
            ),
            models.Prefetch("categories", queryset=ViolationCategory.objects.order_by("name")),
        )

    def with_detail_related(self):
        """Everything an incident's page and its API detail show, public related rows only,
        in a fixed number of queries: the export's rows, and its actions, victim counts and
        public children."""
        AccountabilityAction = apps.get_model("cases", "AccountabilityAction")
        return self.with_export_related().prefetch_related(
            models.Prefetch(
                "actions",
                queryset=AccountabilityAction.objects.public()
                .select_related("issuing_body")
                .order_by(F("issued_on").desc(nulls_last=True), "pk"),
                to_attr="public_actions",
            ),
            models.Prefetch("victim_counts", queryset=VictimCount.objects.order_by("kind", "pk")),
            models.Prefetch(
                "children",
                # parent_id too: the prefetch matches children to the incident by it.
                queryset=Incident.objects.public()
                .only(
                    *("id", "parent_id", "title", "date", "date_earliest", "original_language"),
                    # what {% record_text %} reads: the translations and their translators
                    *(f"title_{code}" for code in RECORD_LANGUAGES),
                    *(f"translated_by_{code}" for code in RECORD_LANGUAGES),
                )
                .order_by("date_earliest", "pk"),
                to_attr="public_children",
            ),
        )

    # The filters of the search page, its CSV export and the API (cases.search.Filters):
    # each is defined here once. Related filters use EXISTS, so no incident is repeated.

    def in_categories(self, category_ids: set[int]):
        """Incidents in any of these categories (give a category with its narrower ones)."""
        through = Incident.categories.through.objects.filter(
            incident_id=OuterRef("pk"), violationcategory_id__in=category_ids
        )
        return self.filter(Exists(through))

    def qualified_under(self, *, provision=None, instrument=None):
        """Incidents with a public legal qualification under the provision, or under any
        provision of the instrument."""
        qualifications = LegalQualification.objects.public().filter(incident=OuterRef("pk"))
        if provision is not None:
            qualifications = qualifications.filter(provision=provision)
        if instrument is not None:
            qualifications = qualifications.filter(provision__instrument=instrument)
        return self.filter(Exists(qualifications))

    def involving(self, actor):
        """Incidents the actor is publicly involved in."""
        return self.filter(
            Exists(Involvement.objects.public().filter(incident=OuterRef("pk"), actor=actor))
        )

    def with_action(self, *, kind: str = "", status: str = ""):
        """Incidents with a public accountability action of this kind and status (both
        given: the same action has both)."""
        AccountabilityAction = apps.get_model("cases", "AccountabilityAction")
        actions = AccountabilityAction.objects.public().filter(incidents=OuterRef("pk"))
        if kind:
            actions = actions.filter(kind=kind)
        if status:
            actions = actions.filter(status=status)
        return self.filter(Exists(actions))

    def overlapping(self, start=None, end=None):
        """Incidents whose (uncertain) period overlaps [start, end].

        An open end ("2022-02-24/..") is unbounded; an undated incident matches no range.
        """
        qs = self.exclude(date="") if start or end else self
        if start:
            qs = qs.filter(Q(date_latest__isnull=True) | Q(date_latest__gte=start))
        if end:
            qs = qs.filter(Q(date_earliest__isnull=True) | Q(date_earliest__lte=end))
        return qs


IncidentTexts = translated_texts(
    "IncidentTexts",
    {
        "title": (_("title"), 300),
        "summary": (_("summary"), None),
        "description": (_("description"), None),
        "withdrawal_reason": (_("withdrawal reason"), None),
    },
)


class Incident(IncidentTexts, SyncStamped, Publishable):
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    date = EDTFField(
        lower_field="date_earliest",
        upper_field="date_latest",
        help_text=_(
            "As reported, in EDTF: 2022-02-24, 2022-05~ (about May 2022), "
            "2022-XX (some month of 2022), 2022-02-24/.. (from 24 Feb 2022, ongoing)."
        ),
    )
    date_earliest = models.DateField(null=True, blank=True, editable=False)
    date_latest = models.DateField(null=True, blank=True, editable=False)
    country = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    subdivision = models.CharField(
        max_length=6,
        blank=True,
        default="",
        help_text=_("ISO 3166-2 code of the region, e.g. UA-23 (Zaporizhzhia Oblast)."),
    )
    place_name = models.CharField(max_length=300, blank=True, default="")
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    coordinate_precision = models.CharField(
        max_length=20, choices=CoordinatePrecision.choices, blank=True, default=""
    )
    controlling_power = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="controlled_incidents",
        help_text=_("The state in control of the territory, where it is occupied."),
    )
    conflict_type = models.CharField(
        max_length=20, choices=ConflictType.choices, default=ConflictType.UNKNOWN
    )
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.ALLEGED
    )
    categories = models.ManyToManyField(ViolationCategory, blank=True, related_name="incidents")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The larger incident or pattern this one belongs to."),
    )
    search_names = models.TextField(
        blank=True,
        default="",
        editable=False,
        # The help text is older than the service: cases.search_names computes the text,
        # cases.services.refresh_search_names() keeps it current.
        help_text=_(
            "Names of involved actors, place and provision labels, for search. "
            "Kept current by Incident.objects.refresh_search_names()."
        ),
    )
    # Each text in each language with its language's configuration (docs/search.md).
    search_vector = models.GeneratedField(
        expression=translated_search_vector("title", weight="A")
        + SearchVector("search_names", weight="A", config="simple")
        + translated_search_vector("summary", weight="B")
        + translated_search_vector("description", weight="C"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = IncidentQuerySet.as_manager()
    # Set by with_export_related() and with_detail_related() (prefetches with to_attr):
    # the public related rows, in the order the page and the API show them.
    public_involvements: list["Involvement"]
    public_qualifications: list["LegalQualification"]
    public_citations: list[Citation]
    # The search columns are derived; keeping them in every history row would only cost.
    history = History(
        excluded_fields=["changed_at", "search_names", "search_vector"], m2m_fields=["categories"]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(date_earliest__isnull=True)
                | Q(date_latest__isnull=True)
                | Q(date_latest__gte=F("date_earliest")),
                name="incident_date_order",
            ),
            models.CheckConstraint(
                condition=Q(subdivision="")
                | (
                    Q(country__isnull=False)
                    & Q(subdivision__regex=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
                    & Q(
                        subdivision__startswith=models.functions.Concat(
                            F("country_id"), models.Value("-")
                        )
                    )
                ),
                name="incident_subdivision_in_country",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="incident_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | ~Q(coordinate_precision=""),
                name="incident_coordinates_have_precision",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="incident_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["date_earliest", "date_latest"], name="incident_date_idx"),
            models.Index(fields=["country", "subdivision"], name="incident_place_idx"),
            GinIndex(fields=["search_vector"], name="incident_search_idx"),
            # "newest first": browsing and a date-sorted search (migration 0006)
            models.Index(
                F("date_earliest").desc(nulls_last=True),
                F("id").desc(),
                name="incident_newest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:incident-detail", args=[self.pk])

    def states_with_roles(self) -> dict[str, list[str]]:
        """The states whose treaty law the incident engages, by code, each with why: where
        it happened, who controlled the place, and the state of each involved actor (its
        forces, officials or nationals). Reads `public_involvements`
        (IncidentQuerySet.with_detail_related()): only public actors count."""
        roles: dict[str, list[str]] = {}

        def add(code: str | None, role: str) -> None:
            if code and role not in roles.setdefault(code, []):
                roles[code].append(role)

        add(self.country_id, "territorial_state")
        add(self.controlling_power_id, "controlling_power")
        for code in sorted({i.actor.state_id for i in self.public_involvements} - {None}):
            add(code, "state_of_involved_actor")
        return roles

    def perpetrator_state_codes(self) -> list[str]:
        """The states of the actors alleged to have committed, ordered, commanded, aided or
        controlled it (their nationality, for ICC art. 12(2)(b)); victims and investigators
        do not count. Reads `public_involvements`, like states_with_roles()."""
        return sorted(
            {
                i.actor.state_id
                for i in self.public_involvements
                if i.role in PERPETRATOR_ROLES and i.actor.state_id
            }
        )


class VictimCount(ChecksNamedFields, models.Model):
    """A reported number of victims as a range: "at least 6,000 children deported"."""

    class Kind(models.TextChoices):
        KILLED = "killed", _("Killed")
        INJURED = "injured", _("Injured")
        DEPORTED = "deported", _("Deported or forcibly transferred")
        DISPLACED = "displaced", _("Displaced")
        DETAINED = "detained", _("Detained")
        MISSING = "missing", _("Missing")
        AFFECTED = "affected", _("Otherwise affected")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="victim_counts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    minimum = models.PositiveIntegerField(null=True, blank=True)
    maximum = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty with a minimum: “at least”.")
    )
    group = models.CharField(max_length=200, blank=True, default="", help_text=_("e.g. children"))

    history = History(parents=("incident",))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__isnull=False) | Q(maximum__isnull=False),
                name="victim_count_has_a_number",
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(maximum__gte=F("minimum")),
                name="victim_count_range_order",
            ),
        ]

    def __str__(self) -> str:
        if self.minimum == self.maximum:
            number = f"{self.minimum}"
        elif self.maximum is None:
            number = gettext("at least %(number)s") % {"number": self.minimum}
        elif self.minimum is None:
            number = gettext("up to %(number)s") % {"number": self.maximum}
        else:
            number = f"{self.minimum}–{self.maximum}"
        return f"{number} {self.group or ''} {self.get_kind_display().lower()}".replace("  ", " ")


class InvolvementRole(models.TextChoices):
    DIRECT_PERPETRATOR = "direct_perpetrator", _("Direct perpetrator")
    ORDERING = "ordering", _("Ordered or instigated")
    SUPERIOR = "superior", _("Superior (command responsibility)")
    FACILITATOR = "facilitator", _("Facilitated or aided")
    CONTROLLING_AUTHORITY = "controlling_authority", _("Authority in control")
    VICTIM_GROUP = "victim_group", _("Victim group or affected body")
    INVESTIGATOR = "investigator", _("Investigated or documented it")
    OTHER = "other", _("Other")


PERPETRATOR_ROLES = {
    InvolvementRole.DIRECT_PERPETRATOR,
    InvolvementRole.ORDERING,
    InvolvementRole.SUPERIOR,
    InvolvementRole.FACILITATOR,
    InvolvementRole.CONTROLLING_AUTHORITY,
}


class AttributionConfidence(models.TextChoices):
    LOW = "low", _("Low: single or weak source")
    MEDIUM = "medium", _("Medium: several sources")
    HIGH = "high", _("High: corroborated or found by a court")


class InvolvementQuerySet(models.QuerySet):
    def public(self):
        return self.filter(incident__in=Incident.objects.public(), actor__in=Actor.objects.public())


class Involvement(Tracked):
    """An actor's role in an incident, and how confident the attribution is."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(max_length=30, choices=InvolvementRole.choices)
    confidence = models.CharField(
        max_length=10, choices=AttributionConfidence.choices, default=AttributionConfidence.LOW
    )
    note = models.TextField(blank=True, default="")

    objects = InvolvementQuerySet.as_manager()
    # Set by IncidentQuerySet.with_export_related() (a prefetch with to_attr).
    public_citations: list[Citation]

    history = History(parents=("incident",))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "actor", "role"], name="involvement_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} – {self.get_role_display()} – {self.incident}"


class Standing(models.TextChoices):
    ALLEGED = "alleged", _("Alleged")
    CHARGED = "charged", _("Charged")
    FOUND = "found", _("Found (by a court or inquiry)")


class LegalQualificationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(incident__in=Incident.objects.public()).of_public_incident()

    def of_public_incident(self):
        """public() for qualifications of incidents already known to be public: a public
        provision, asserted by no one or by a public actor (the search facets' rule)."""
        return self.filter(provision__in=Provision.objects.public()).filter(
            Q(asserted_by__isnull=True) | Q(asserted_by__in=Actor.objects.public())
        )


class LegalQualification(Tracked):
    """Incident X engages provision Y, as asserted by Z on a date, with a standing."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="legal_qualifications"
    )
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="legal_qualifications"
    )
    asserted_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_qualifications",
        help_text=_("The NGO, commission of inquiry or court that says so."),
    )
    asserted_on = models.DateField(null=True, blank=True)
    standing = models.CharField(max_length=10, choices=Standing.choices, default=Standing.ALLEGED)
    note = models.TextField(blank=True, default="")

    objects = LegalQualificationQuerySet.as_manager()
    # Set by IncidentQuerySet.with_export_related() (a prefetch with to_attr).
    public_citations: list[Citation]

    history = History(parents=("incident",))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "provision", "asserted_by"],
                nulls_distinct=False,
                name="qualification_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident}: {self.provision} ({self.get_standing_display().lower()})"
