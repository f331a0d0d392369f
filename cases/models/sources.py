"""The evidence: sources, their preserved captures, and citations backing each claim."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import ChecksNamedFields, History, Publishable, PublishableQuerySet, SyncStamped, Tracked
from .law import SecurityCouncilReferral, TreatyEvent


class SourceKind(models.TextChoices):
    COURT_DOCUMENT = "court_document", _("Court document")
    PRESS_RELEASE = "press_release", _("Press release")
    UN_DOCUMENT = "un_document", _("UN document")
    NGO_REPORT = "ngo_report", _("NGO or think-tank report")
    GOVERNMENT = "government", _("Government document")
    MEDIA = "media", _("Media report")
    SOCIAL_MEDIA = "social_media", _("Social media post")
    TESTIMONY = "testimony", _("Testimony")
    DATASET = "dataset", _("Dataset")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    """The source-reliability scale of the Admiralty code, used by many investigators."""

    A = "A", _("A – completely reliable")
    B = "B", _("B – usually reliable")
    C = "C", _("C – fairly reliable")
    D = "D", _("D – not usually reliable")
    E = "E", _("E – unreliable")
    F = "F", _("F – reliability cannot be judged")


class Source(SyncStamped, Publishable):
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, blank=True, default="")
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=1000, blank=True, default="")
    language = models.CharField(max_length=20, blank=True, default="", help_text=_("e.g. en, uk"))
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    note = models.TextField(
        blank=True, default="", help_text=_("What the source is and any caveat about it.")
    )

    objects = PublishableQuerySet.as_manager()

    history = History(excluded_fields=["changed_at"])

    class Meta:
        indexes = [models.Index(fields=["published_on"], name="source_published_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:source-detail", args=[self.pk])


class SourceCapture(ChecksNamedFields, models.Model):
    """A preserved copy of a source, as the Berkeley Protocol asks: when, where, its hash."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="captures")
    captured_at = models.DateTimeField(help_text=_("When it was captured (stored in UTC)."))
    archive_url = models.URLField(max_length=1000, blank=True, default="")
    file = models.FileField(upload_to="captures/%Y/%m/", blank=True, default="")
    sha256 = models.CharField(
        max_length=64, blank=True, default="", help_text=_("SHA-256 of the captured file, in hex.")
    )
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_captures",
    )
    note = models.TextField(blank=True, default="")

    history = History(parents=("source",))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(archive_url="") | ~Q(file=""), name="capture_has_url_or_file"
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="capture_sha256_is_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} captured {self.captured_at:%-d %B %Y %H:%M} UTC"


# A citation backs exactly one claim: one of these targets, and only one.
CITATION_TARGETS = (
    "incident",
    "involvement",
    "legal_qualification",
    "action",
    "charge",
    "treaty_event",
    "action_event",
    "referral",
)


def _exactly_one_target() -> Q:
    condition = Q()
    for target in CITATION_TARGETS:
        only_this = Q(**{f"{target}__isnull": False})
        for other in CITATION_TARGETS:
            if other != target:
                only_this &= Q(**{f"{other}__isnull": True})
        condition |= only_this
    return condition


class CitationQuerySet(models.QuerySet):
    def of_public_record(self):
        """The public citations of a record already known to be public (an incident, an
        action, a public involvement or qualification): those of a public source, with it.

        The same rows as public() for such a record, without testing every other kind of
        cited record as public() must (140 ms per incident on 100,000 incidents).
        """
        return self.filter(source__in=Source.objects.public()).select_related("source")

    def public(self):
        """Citations of public sources backing public claims (the claim public by its own
        model's public())."""
        public_claim = Q()
        for name in CITATION_TARGETS:
            # The cited model through the relation: incidents.py and actions.py import this
            # module, so it cannot import theirs.
            cited = Citation._meta.get_field(name).related_model
            public_claim |= Q(**{f"{name}__in": cited.objects.public()})
        return self.filter(source__in=Source.objects.public()).filter(public_claim)


class Citation(Tracked):
    """A source backing one specific claim, with a pinpoint and a quote."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    pinpoint = models.CharField(
        max_length=200, blank=True, default="", help_text=_("e.g. para. 12, p. 3, 00:14:05")
    )
    quote = models.TextField(blank=True, default="")
    incident = models.ForeignKey(
        "cases.Incident", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    involvement = models.ForeignKey(
        "cases.Involvement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    legal_qualification = models.ForeignKey(
        "cases.LegalQualification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    action = models.ForeignKey(
        "cases.AccountabilityAction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    charge = models.ForeignKey(
        "cases.Charge", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    treaty_event = models.ForeignKey(
        TreatyEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    action_event = models.ForeignKey(
        "cases.ActionEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    referral = models.ForeignKey(
        SecurityCouncilReferral,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )

    objects = CitationQuerySet.as_manager()

    history = History(
        parents=(
            "incident",
            "involvement",
            "legal_qualification",
            "action",
            "charge",
            "action_event",
            "treaty_event",
            "referral",
        )
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_target(), name="citation_exactly_one_target"
            ),
        ]

    def __str__(self) -> str:
        where = f", {self.pinpoint}" if self.pinpoint else ""
        return f"{self.source}{where}"

    @property
    def target(self):
        for name in CITATION_TARGETS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None
