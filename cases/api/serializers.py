"""What the API shows of each resource: explicit fields, a list and a detail shape.

Related rows come from the viewsets' querysets, already filtered through public() and
prefetched into `public_*` attributes: serializers never query or filter themselves
(except the treaty law of an incident's states on the detail page, computed for all of them
at once in a fixed number of queries: api.views.incident_law).
Every field has a description, so the OpenAPI schema documents it.
"""

import datetime

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    AccountabilityAction,
    ActionEvent,
    ActionSubject,
    Actor,
    ActorIdentifier,
    ActorName,
    Charge,
    Citation,
    Incident,
    Instrument,
    Involvement,
    LegalQualification,
    Membership,
    Provision,
    SecurityCouncilReferral,
    Source,
    SourceCapture,
    State,
    TreatyEvent,
    TreatyStatusKind,
    VictimCount,
    ViolationCategory,
)
from cases.models.jurisdiction import Jurisdiction
from cases.models.translations import RECORD_LANGUAGES

LINK_DESCRIPTIONS = {
    "api": "This record in the API (absolute URL).",
    "cases": "This record's public web page (absolute URL).",
}

# Descriptions for fields whose model field has no help_text. Looked up by field name.
DESCRIPTIONS = {
    "id": "Stable identifier of the record.",
    "url": "This record in the API.",
    "updated_at": "When the record last changed (UTC). Filter with updated_since.",
    "title": "Title.",
    "short_title": "Short title used in citations, e.g. GC IV, Rome Statute.",
    "summary": "Short summary.",
    "description": "Full description.",
    "name": "Name.",
    "kind": "What kind of record this is (see the enumeration).",
    "code": "ISO 3166-1 alpha-2 code.",
    "slug": "Stable identifier used in URLs and filters.",
    "date_earliest": "Earliest day the reported date can mean; null if open or undated.",
    "date_latest": "Latest day the reported date can mean; null if open-ended or undated.",
    "place_name": "Name of the place (town, village, facility).",
    "latitude": "Latitude (WGS 84), with the precision given in coordinate_precision.",
    "longitude": "Longitude (WGS 84), with the precision given in coordinate_precision.",
    "coordinate_precision": "How precise the coordinates are.",
    "conflict_type": "Classification of the armed conflict in which it happened.",
    "verification_status": "How far the facts have been verified.",
    "categories": "Slugs of the violation categories the incident falls under.",
    "parent": "The larger incident this one belongs to (null if none or not public).",
    "role": "The actor's role in the incident.",
    "confidence": "How confident the attribution to the actor is.",
    "standing": "Whether the qualification is alleged, charged or found.",
    "asserted_on": "When the qualification was made.",
    "reference": "Case or document number, e.g. ICC-01/22.",
    "issued_on": "When the action was issued (with events: the first issue).",
    "seal_status": "Whether the action was issued under seal (with events: derived from them).",
    "status": "Lifecycle status of the action; derived from its events when it has any "
    "(docs/action-lifecycle.md).",
    "occurred_on": "When the event happened.",
    "publisher": "Who published the source.",
    "published_on": "When the source was published.",
    "url_source": "Where the source can be read.",
    "reliability": "Reliability grade of the source (Admiralty scale A-F).",
    "pinpoint": "Where in the source: paragraph, page or timestamp.",
    "quote": "The passage of the source that backs the claim.",
    "heading": "Heading of the provision.",
    "rule_kind": "What kind of rule the provision is.",
    "position": "Order within the instrument (lower first).",
    "deposited_on": "Date of signature, deposit or notification.",
    "effective_on": "When the act takes effect under the instrument's rules.",
    "jurisdiction_from": "Art. 12(3) declarations: start of the accepted jurisdiction.",
    "jurisdiction_to": "Art. 12(3) declarations: end of the accepted jurisdiction, or null.",
    "text": "The text, or a summary of it.",
    "predecessor": "Code of the state this one continues or succeeds, if any.",
    "predecessor_relation": "How this state relates to its predecessor.",
    "language": "Language (BCP 47 tag).",
    "scheme": "The system the identifier belongs to.",
    "value": "The identifier in that system.",
    "minimum": "Lower bound of the count, or null.",
    "maximum": "Upper bound of the count, or null (with a minimum: 'at least').",
    "group": "Who was counted, e.g. children.",
    "post": "The post or position held.",
    "period": "When, as reported (EDTF).",
    "period_start": "Earliest day of the period, or null.",
    "period_end": "Latest day of the period, or null if ongoing or unknown.",
    "captured_at": "When the capture was made (UTC).",
    "archive_url": "Where the preserved copy is.",
    "sha256": "SHA-256 of the captured file, in hex.",
    "note": "Note about the record.",
    "crime_period": "When the charged crimes were committed, as reported (EDTF).",
    "crime_period_start": "Earliest day of the crime period, or null.",
    "crime_period_end": "Latest day of the crime period, or null if open-ended.",
}


# A key that fits every URL pattern of a record (<int:pk>, <slug:slug>, [^/.]+), so that
# a record's URL is reversed once a request and filled in for each record.
PLACEHOLDER_KEY = "9081726354"


def record_url(context: dict, view_name: str, key) -> str:
    """The absolute URL of a record (its API detail, or its public page) by its key.

    Reversing and building an absolute URI for every row of a list costs more than the
    row itself: the URL is built once a request (kept in the serializer's context, which
    nested and many=True serializers share), then the key is put in it.
    """
    templates = context.setdefault("url_templates", {})
    if view_name not in templates:
        path = reverse(view_name, args=[PLACEHOLDER_KEY])
        templates[view_name] = context["request"].build_absolute_uri(path).split(PLACEHOLDER_KEY)
    before, after = templates[view_name]
    return f"{before}{key}{after}"


@extend_schema_field(OpenApiTypes.URI)
class RecordUrlField(serializers.Field):
    """The absolute URL of the record itself: in the API, or its public page."""

    def __init__(self, view_name: str, key: str, **kwargs):
        self.view_name, self.key = view_name, key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        return record_url(self.context, self.view_name, getattr(obj, self.key))


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The label of a coded value (`role_label` beside `role`): the words the public pages
    show for it."""

    def __init__(self, code_name: str, code: serializers.ChoiceField):
        self.labels = {value: str(label) for value, label in code.choices.items()}
        super().__init__(
            source=code.source or code_name,
            read_only=True,
            allow_null=code.allow_null,
            help_text=f"The {code_name} in words (the label of the code in {code_name}).",
        )

    def to_representation(self, value) -> str:
        return self.labels.get(value, value)


def _getter(record):
    """Reads a model instance's attributes or a values() row's keys alike."""
    return record.get if isinstance(record, dict) else lambda name: getattr(record, name)


def text_in(record, field: str, language: str | None) -> tuple[str, str]:
    """`field` of `record` (a model instance, or a values() row) and the language it is in:
    the translation into `language` where there is one, else the original. No language
    asked: the original. Reads only the text columns (a nested ref's query loads no more)."""
    get = _getter(record)
    original = get("original_language")
    if language and language != original and (translation := get(f"{field}_{language}")):
        return translation, language
    return get(field), original


def all_translations(record, texts: list[str]) -> dict:
    """Every translation of `record`'s texts, by language, with its translator
    (`?translations=all`): `{"fr": {"title": "…", "translated_by": "…"}}`."""
    get = _getter(record)
    result = {}
    for code in RECORD_LANGUAGES:
        found = {field: value for field in texts if (value := get(f"{field}_{code}"))}
        if found and code != get("original_language"):
            result[code] = {**found, "translated_by": get(f"translated_by_{code}")}
    return result


class TranslatedText(serializers.CharField):
    """A translated text (title, summary, ...): in the language the request asked for
    (`?lang=`, else Accept-Language) where a translation exists, else the original
    (docs/api.md, "Languages")."""

    def __init__(self, name: str, field: serializers.Field):
        super().__init__(
            source="*",
            read_only=True,
            allow_null=field.allow_null,
            help_text=f"{field.help_text} In the language asked for where translated, "
            "else the original: `languages` says which.",
        )
        self.text_name = field.source or name

    def to_representation(self, record) -> str:
        return text_in(record, self.text_name, self.context.get("text_language"))[0]


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class LanguagesField(serializers.Field):
    """`{"title": "fr", "summary": "en"}`: the language each text of the record is in."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        super().__init__(
            source="*",
            read_only=True,
            help_text="The language (code) each translated text above is in: the one asked "
            "for (?lang= or Accept-Language) where translated, else the original's.",
        )

    def to_representation(self, record) -> dict:
        language = self.context.get("text_language")
        return {field: text_in(record, field, language)[1] for field in self.texts}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
    }
)
class TranslationsField(serializers.Field):
    """Only with `?translations=all`: every translation of every text, with its translator."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        # Not read-only: the schema would list a read-only field as always present.
        super().__init__(
            source="*",
            required=False,
            help_text="Only with ?translations=all: each language's translations of the "
            'texts and who translated them, e.g. {"fr": {"title": "…", "translated_by": '
            '"…"}}. The original is in the fields above, in original_language.',
        )

    def get_attribute(self, instance):
        if not self.context.get("all_translations"):
            raise serializers.SkipField
        return super().get_attribute(instance)

    def to_representation(self, record) -> dict:
        return all_translations(record, self.texts)


def is_top_level(serializer: serializers.Serializer) -> bool:
    """The response's own record(s), not a record nested in one."""
    parent = serializer.parent
    return parent is None or (isinstance(parent, serializers.ListSerializer) and not parent.parent)


class Described(serializers.ModelSerializer):
    """A ModelSerializer that gives every field a description (for the OpenAPI schema), and
    follows the API's two conventions (docs/api.md, "Links and labels"):

    - a record (its Meta has `links`: the view names of its API detail and its public page,
      and `link_key` if its URLs take another key than the pk) carries `url` and
      `html_url`, absolute, after its first field;
    - every coded value (a field with choices) has its label beside it: `kind` and
      `kind_label`;
    - a record with translated texts (its model's TRANSLATED_TEXTS) gives each in the
      language asked for, says which in `languages`, and, the response's own record only,
      all its translations in `translations` when asked (docs/api.md, "Languages").

    They are added here rather than listed in Meta.fields, which are also the columns of
    the CSV export.
    """

    def get_fields(self):
        declared = super().get_fields()
        links = getattr(self.Meta, "links", {})
        key = getattr(self.Meta, "link_key", "pk")
        translated = getattr(self.Meta.model, "TRANSLATED_TEXTS", ())
        texts = [name for name in declared if name in translated]
        fields = {}
        for position, (name, field) in enumerate(declared.items()):
            if not getattr(field, "help_text", None):
                field.help_text = DESCRIPTIONS.get(name, name.replace("_", " ").capitalize())
            if name in texts:
                field = TranslatedText(name, field)
            fields[name] = field
            if position == 0:
                for link_name, view_name in links.items():
                    fields[link_name] = RecordUrlField(
                        view_name, key, help_text=LINK_DESCRIPTIONS[view_name.split(":")[0]]
                    )
            label_name = f"{name}_label"
            if isinstance(field, serializers.ChoiceField) and label_name not in declared:
                fields[label_name] = LabelField(name, field)
        if texts:
            fields["languages"] = LanguagesField(texts)
            if is_top_level(self):
                fields["translations"] = TranslationsField(texts)
        return fields


# `url` was a source's own address before records had links: it stays so.
SOURCE_LINKS = {"api_url": "api:source-detail", "html_url": "cases:source-detail"}


class StateRefSerializer(Described):
    class Meta:
        model = State
        fields = ["code", "name"]
        links = {"url": "api:state-detail", "html_url": "cases:state-detail"}
        link_key = "code"


class CategoryRefSerializer(Described):
    class Meta:
        model = ViolationCategory
        fields = ["slug", "name"]
        links = {"url": "api:category-detail", "html_url": "cases:category-detail"}
        link_key = "slug"


class InstrumentRefSerializer(Described):
    class Meta:
        model = Instrument
        fields = ["slug", "short_title", "title"]
        links = {"url": "api:instrument-detail", "html_url": "cases:instrument-detail"}
        link_key = "slug"


class ProvisionRefSerializer(Described):
    instrument = InstrumentRefSerializer(help_text="The instrument the provision belongs to.")

    class Meta:
        model = Provision
        fields = ["id", "label", "heading", "rule_kind", "instrument"]
        links = {"url": "api:provision-detail", "html_url": "cases:provision-detail"}


class ActorRefSerializer(Described):
    class Meta:
        model = Actor
        fields = ["id", "name", "kind"]
        links = {"url": "api:actor-detail", "html_url": "cases:actor-detail"}


class SourceRefSerializer(Described):
    class Meta:
        model = Source
        fields = ["id", "title", "url", "publisher", "published_on", "kind"]
        extra_kwargs = {"url": {"help_text": "Where the source can be read."}}
        links = SOURCE_LINKS


class CitationSerializer(Described):
    source = SourceRefSerializer(help_text="The source cited.")

    class Meta:
        model = Citation
        fields = ["source", "pinpoint", "quote"]


class ActionRefSerializer(Described):
    class Meta:
        model = AccountabilityAction
        fields = ["id", "kind", "title", "reference", "status", "issued_on"]
        links = {"url": "api:action-detail", "html_url": "cases:action-detail"}


class IncidentRefSerializer(Described):
    class Meta:
        model = Incident
        fields = ["id", "title", "date"]
        links = {"url": "api:incident-detail", "html_url": "cases:incident-detail"}


# Incidents


class IncidentListSerializer(Described):
    country = StateRefSerializer(allow_null=True, help_text="Where it happened.")
    controlling_power = StateRefSerializer(
        allow_null=True, help_text="The state controlling the territory, where occupied."
    )
    categories = serializers.ListField(
        source="category_slugs", child=serializers.CharField(), help_text=DESCRIPTIONS["categories"]
    )
    parent = serializers.IntegerField(
        source="public_parent_id", allow_null=True, help_text=DESCRIPTIONS["parent"]
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "summary",
            "date",
            "date_earliest",
            "date_latest",
            "country",
            "subdivision",
            "place_name",
            "latitude",
            "longitude",
            "coordinate_precision",
            "controlling_power",
            "conflict_type",
            "verification_status",
            "categories",
            "parent",
            "updated_at",
        ]
        links = {"url": "api:incident-detail", "html_url": "cases:incident-detail"}

    def to_representation(self, row: dict) -> dict:
        """The same output as the declared fields give, built directly from a values() row
        (the list's queryset): lists and exports serialise many rows, and model instances
        and DRF's per-field machinery cost several times the query.
        tests/api/test_serializers.py checks that both agree."""
        label = self.label_of
        language = self.context.get("text_language")
        title, title_language = text_in(row, "title", language)
        summary, summary_language = text_in(row, "summary", language)
        data = {
            "id": row["id"],
            "url": record_url(self.context, "api:incident-detail", row["id"]),
            "html_url": record_url(self.context, "cases:incident-detail", row["id"]),
            "title": title,
            "summary": summary,
            "date": row["date"],
            "date_earliest": _date(row["date_earliest"]),
            "date_latest": _date(row["date_latest"]),
            "country": self.state_ref(row["country__code"], row["country__name"]),
            "subdivision": row["subdivision"],
            "place_name": row["place_name"],
            "latitude": _decimal(row["latitude"]),
            "longitude": _decimal(row["longitude"]),
            "coordinate_precision": row["coordinate_precision"],
            "coordinate_precision_label": label(
                "coordinate_precision", row["coordinate_precision"]
            ),
            "controlling_power": self.state_ref(
                row["controlling_power__code"], row["controlling_power__name"]
            ),
            "conflict_type": row["conflict_type"],
            "conflict_type_label": label("conflict_type", row["conflict_type"]),
            "verification_status": row["verification_status"],
            "verification_status_label": label("verification_status", row["verification_status"]),
            "categories": row["category_slugs"],
            "parent": row["public_parent_id"],
            "updated_at": _datetime(row["updated_at"]),
            "languages": {"title": title_language, "summary": summary_language},
        }
        if self.context.get("all_translations"):
            data["translations"] = all_translations(row, ["title", "summary"])
        return data

    def state_ref(self, code: str | None, name: str) -> dict | None:
        if code is None:
            return None
        return {
            "code": code,
            "url": record_url(self.context, "api:state-detail", code),
            "html_url": record_url(self.context, "cases:state-detail", code),
            "name": name,
        }

    def label_of(self, code_name: str, value: str) -> str:
        return self.fields[f"{code_name}_label"].to_representation(value)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value) -> str | None:
    return None if value is None else f"{value:.5f}"


def _datetime(value: datetime.datetime) -> str:
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class VictimCountSerializer(Described):
    class Meta:
        model = VictimCount
        fields = ["kind", "minimum", "maximum", "group"]


class InvolvementSerializer(Described):
    actor = ActorRefSerializer(help_text="The actor involved.")
    citations = CitationSerializer(
        source="public_citations", many=True, help_text="Sources for this attribution."
    )

    class Meta:
        model = Involvement
        fields = ["actor", "role", "confidence", "citations"]


class LegalQualificationSerializer(Described):
    provision = ProvisionRefSerializer(help_text="The provision the incident engages.")
    asserted_by = ActorRefSerializer(
        allow_null=True, help_text="Who made the qualification (NGO, inquiry, court)."
    )
    citations = CitationSerializer(
        source="public_citations", many=True, help_text="Sources for this qualification."
    )

    class Meta:
        model = LegalQualification
        fields = ["provision", "asserted_by", "asserted_on", "standing", "citations"]


class TreatyStatementSerializer(Described):
    """One treaty act: a consent, a signature, a withdrawal, a reservation or declaration."""

    state = serializers.CharField(
        source="state_id",
        help_text="Code of the state that made the act (a predecessor's "
        "act binds a state that continues it).",
    )
    effective_on = serializers.DateField(
        allow_null=True,
        help_text=DESCRIPTIONS["effective_on"] + " Null while the instrument is not in force.",
    )
    provisions = serializers.SlugRelatedField(
        slug_field="label",
        many=True,
        read_only=True,
        help_text="Labels of the articles the statement concerns.",
    )

    class Meta:
        model = TreatyEvent
        fields = [
            "id",
            "state",
            "kind",
            "deposited_on",
            "effective_on",
            "jurisdiction_from",
            "jurisdiction_to",
            "exclusion_scope",
            "provisions",
            "text",
        ]
        extra_kwargs = {
            "exclusion_scope": {
                "help_text": "Art. 124 declarations: whose war crimes are excluded "
                "(nationals, territory, both); empty otherwise."
            }
        }


class TreatyStatusSerializer(serializers.Serializer):
    """A state's status under one instrument on one date (TreatyStatus)."""

    instrument = InstrumentRefSerializer(help_text="The instrument.")
    status = serializers.ChoiceField(
        source="kind",
        choices=TreatyStatusKind.choices,
        help_text="bound; signatory (signed, not bound); jurisdiction_accepted (not a party, "
        "but an art. 12(3) declaration covers the date); not_bound (a recorded act makes it "
        "so: a withdrawal, a denunciation, or a later act of joining); no_record (no act "
        "recorded here settles it: not a finding that the state was not bound); customary "
        "(binds every state). docs/law.md explains each.",
    )
    status_label = serializers.CharField(source="label", help_text="The status in words.")
    reason = serializers.CharField(
        help_text="Why: the act the answer rests on, its dates, and the rule applied."
    )
    since = serializers.DateField(
        allow_null=True,
        help_text="Since when the status holds (its basis took effect); for not_bound after a "
        "withdrawal, when the withdrawal took effect.",
    )
    basis = TreatyStatementSerializer(
        allow_null=True, help_text="The act the answer rests on; null for no_record."
    )
    via = serializers.CharField(
        source="via.code",
        allow_null=True,
        default=None,
        help_text="Code of the predecessor state whose act binds the state, if any.",
    )
    reservations = TreatyStatementSerializer(
        many=True, help_text="Reservations in force (only for a party)."
    )
    declarations = TreatyStatementSerializer(
        many=True,
        help_text="Declarations in force (only for a party), including art. 124 declarations; "
        "art. 12(3) declarations are under jurisdiction_declarations.",
    )
    jurisdiction_declarations = TreatyStatementSerializer(
        many=True,
        help_text="Art. 12(3) declarations whose declared period covers the date, whenever "
        "they were lodged.",
    )


class ReferralSerializer(Described):
    """A Security Council referral of a situation to the ICC (Rome Statute art. 13(b))."""

    states = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Codes of the states referred."
    )

    class Meta:
        model = SecurityCouncilReferral
        fields = [
            "id",
            "resolution",
            "adopted_on",
            "situation",
            "states",
            "jurisdiction_from",
            "jurisdiction_to",
        ]
        extra_kwargs = {
            "jurisdiction_from": {"help_text": "The referral covers crimes from this day."},
            "jurisdiction_to": {"help_text": "Last day covered, or null: onwards."},
        }


class JurisdictionGroundSerializer(serializers.Serializer):
    article = serializers.CharField(help_text="The article of the Rome Statute, e.g. art. 12(3).")
    text = serializers.CharField(help_text="What the article gives or excludes here, and why.")
    state = serializers.CharField(
        source="state.code", allow_null=True, default=None, help_text="The state concerned."
    )
    treaty_act = TreatyStatementSerializer(
        allow_null=True, help_text="The treaty act it rests on, if any."
    )
    referral = ReferralSerializer(allow_null=True, help_text="The referral it rests on, if any.")


class IccJurisdictionSerializer(serializers.Serializer):
    """Could the ICC exercise jurisdiction over a crime on this territory, by these
    nationals, on this date? (IccJurisdiction)"""

    on = serializers.DateField(help_text="The date of the crime.")
    territory = StateRefSerializer(
        allow_null=True, help_text="Where the crime was committed, if known."
    )
    nationals = StateRefSerializer(
        many=True, help_text="States of the alleged perpetrators' nationality."
    )
    answer = serializers.ChoiceField(
        choices=Jurisdiction.choices,
        help_text="yes (at least one ground), no (none, and nothing unknown), or unknown "
        "(no ground, and the record does not settle it).",
    )
    answer_label = serializers.CharField(source="label", help_text="The answer in words.")
    grounds = JurisdictionGroundSerializer(
        many=True, help_text="What gives the Court jurisdiction: arts. 12(2), 12(3), 13(b), 127(2)."
    )
    limits = JurisdictionGroundSerializer(
        many=True, help_text="What excludes or narrows it: arts. 11, 124, 127."
    )
    unknowns = serializers.ListField(
        child=serializers.CharField(), help_text="What the record here does not tell."
    )


class StateLawSerializer(serializers.Serializer):
    """A state's treaty status under every public instrument on one date."""

    state = StateRefSerializer(help_text="The state.")
    on = serializers.DateField(help_text="The date the statuses are for.")
    statuses = TreatyStatusSerializer(many=True, help_text="One entry per instrument.")


class IncidentStateLawSerializer(StateLawSerializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["territorial_state", "controlling_power", "state_of_involved_actor"]
        ),
        help_text="Why the state is involved in the incident.",
    )


class IncidentDetailSerializer(IncidentListSerializer):
    victim_counts = VictimCountSerializer(many=True, help_text="Reported numbers of victims.")
    children = IncidentRefSerializer(
        source="public_children", many=True, help_text="Public incidents that belong to this one."
    )
    involvements = InvolvementSerializer(
        source="public_involvements", many=True, help_text="Actors involved, with their roles."
    )
    legal_qualifications = LegalQualificationSerializer(
        source="public_qualifications",
        many=True,
        help_text="The provisions the incident engages, and who says so.",
    )
    actions = ActionRefSerializer(
        source="public_actions", many=True, help_text="Accountability actions concerning it."
    )
    citations = CitationSerializer(
        source="public_citations", many=True, help_text="Sources for the incident itself."
    )
    law = serializers.SerializerMethodField(
        help_text="For each state involved (territorial state, controlling power, states of "
        "involved actors): its treaty status under every instrument on the incident's "
        "earliest date (or its latest date if the start is open; empty if undated)."
    )
    icc_jurisdiction = serializers.SerializerMethodField(
        help_text="Could the ICC exercise jurisdiction, on the same date: for the incident's "
        "territory and the states of the actors alleged to have committed, ordered or aided "
        "it. Null if undated or the Rome Statute is not recorded."
    )

    class Meta(IncidentListSerializer.Meta):
        fields = [
            *IncidentListSerializer.Meta.fields,
            "description",
            "victim_counts",
            "children",
            "involvements",
            "legal_qualifications",
            "actions",
            "citations",
            "law",
            "icc_jurisdiction",
        ]

    # One record: the declared fields, through DRF's standard machinery.
    to_representation = Described.to_representation

    @extend_schema_field(IncidentStateLawSerializer(many=True))
    def get_law(self, obj: Incident) -> list[dict]:
        return IncidentStateLawSerializer(self.context["law"], many=True, context=self.context).data

    @extend_schema_field(IccJurisdictionSerializer(allow_null=True))
    def get_icc_jurisdiction(self, obj: Incident) -> dict | None:
        answer = self.context["icc"]
        return (
            None if answer is None else IccJurisdictionSerializer(answer, context=self.context).data
        )


# Accountability actions


class ActionListSerializer(Described):
    issuing_body = ActorRefSerializer(
        source="public_issuing_body", allow_null=True, help_text="Who issued the action."
    )

    class Meta:
        model = AccountabilityAction
        fields = [
            "id",
            "kind",
            "title",
            "issuing_body",
            "reference",
            "applied_on",
            "issued_on",
            "announced_on",
            "seal_status",
            "status",
            "summary",
            "updated_at",
        ]
        links = {"url": "api:action-detail", "html_url": "cases:action-detail"}


class ActionSubjectSerializer(Described):
    actor = ActorRefSerializer(help_text="The person or body the action is directed at.")

    class Meta:
        model = ActionSubject
        fields = ["actor", "note"]


class ChargeSerializer(Described):
    provision = ProvisionRefSerializer(help_text="The crime charged.")
    subject = ActorRefSerializer(
        allow_null=True, help_text="Whom the charge concerns; null: every subject."
    )
    modes_of_liability = ProvisionRefSerializer(
        many=True, help_text="Modes of liability, e.g. Rome Statute art. 25(3)(a)."
    )

    class Meta:
        model = Charge
        fields = [
            "provision",
            "subject",
            "modes_of_liability",
            "description",
            "crime_period",
            "crime_period_start",
            "crime_period_end",
        ]


class ActionEventSerializer(Described):
    kind_label = serializers.CharField(
        source="get_kind_display", help_text="The kind of event in words."
    )
    subject = ActorRefSerializer(
        allow_null=True, help_text="Whom the event concerns; null: every subject of the action."
    )
    states = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="ISO 3166-1 codes of the states concerned (e.g. the state that arrested, or "
        "that failed to arrest).",
    )
    citations = CitationSerializer(
        source="public_citations", many=True, help_text="Sources for the event."
    )

    class Meta:
        model = ActionEvent
        fields = [
            "kind",
            "kind_label",
            "occurred_on",
            "subject",
            "states",
            "description",
            "citations",
        ]
        extra_kwargs = {
            "kind": {
                "help_text": "What happened: applied, issued, issued_under_seal, "
                "made_public, arrest, surrender, first_appearance, withdrawn, without_effect, "
                "execution_refused, non_compliance."
            },
            "description": {"help_text": "What the event was, in words."},
        }


class ActionDetailSerializer(ActionListSerializer):
    subjects = ActionSubjectSerializer(
        source="public_subjects", many=True, help_text="Whom the action is directed at."
    )
    charges = ChargeSerializer(source="public_charges", many=True, help_text="The charges.")
    incidents = IncidentRefSerializer(
        source="public_incidents", many=True, help_text="Incidents the action concerns."
    )
    citations = CitationSerializer(
        source="public_citations", many=True, help_text="Sources for the action."
    )
    events = ActionEventSerializer(
        source="public_events",
        many=True,
        help_text="The action's dated life (applied for, issued, made public, arrest, ...), "
        "oldest first; its status, seal status and dates derive from them.",
    )

    class Meta(ActionListSerializer.Meta):
        fields = [
            *ActionListSerializer.Meta.fields,
            "description",
            "subjects",
            "charges",
            "incidents",
            "citations",
            "events",
        ]


# Actors


class ActorListSerializer(Described):
    state = serializers.CharField(
        source="state_id",
        allow_null=True,
        help_text="For a state, its own code; for others, the state they belong to.",
    )

    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "state", "updated_at"]
        links = {"url": "api:actor-detail", "html_url": "cases:actor-detail"}


class ActorNameSerializer(Described):
    class Meta:
        model = ActorName
        fields = ["name", "language", "kind"]


class ActorIdentifierSerializer(Described):
    class Meta:
        model = ActorIdentifier
        fields = ["scheme", "value"]


class MembershipSerializer(Described):
    organisation = ActorRefSerializer(help_text="The organisation.")

    class Meta:
        model = Membership
        fields = ["organisation", "post", "period", "period_start", "period_end"]


class ActorDetailSerializer(ActorListSerializer):
    other_names = ActorNameSerializer(
        many=True, help_text="Other names: transliterations, names in other scripts, aliases."
    )
    identifiers = ActorIdentifierSerializer(
        many=True, help_text="Identifiers in other systems (Wikidata, sanctions lists)."
    )
    memberships = MembershipSerializer(
        source="public_memberships", many=True, help_text="Posts held in organisations."
    )

    class Meta(ActorListSerializer.Meta):
        fields = [
            *ActorListSerializer.Meta.fields,
            "description",
            "other_names",
            "identifiers",
            "memberships",
        ]


# Sources


class SourceListSerializer(Described):
    class Meta:
        model = Source
        fields = [
            "id",
            "kind",
            "title",
            "publisher",
            "published_on",
            "url",
            "language",
            "reliability",
            "updated_at",
        ]
        links = SOURCE_LINKS
        extra_kwargs = {"url": {"help_text": "Where the source can be read."}}


class SourceCaptureSerializer(Described):
    class Meta:
        model = SourceCapture
        fields = ["captured_at", "archive_url", "sha256"]


class SourceDetailSerializer(SourceListSerializer):
    captures = SourceCaptureSerializer(
        many=True, help_text="Preserved copies (Berkeley Protocol): when, where, hash."
    )

    class Meta(SourceListSerializer.Meta):
        fields = [*SourceListSerializer.Meta.fields, "note", "captures"]


# The law


class InstrumentListSerializer(Described):
    class Meta:
        model = Instrument
        fields = [
            "id",
            "slug",
            "title",
            "short_title",
            "kind",
            "adopted_on",
            "entry_into_force_on",
            "depositary",
            "updated_at",
        ]
        links = {"url": "api:instrument-detail", "html_url": "cases:instrument-detail"}
        link_key = "slug"
        extra_kwargs = {
            "adopted_on": {"help_text": "When the instrument was adopted."},
            "depositary": {"help_text": "Who keeps the instrument's treaty record."},
        }


class ProvisionBriefSerializer(Described):
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="The enclosing provision, if any."
    )

    class Meta:
        model = Provision
        fields = ["id", "label", "heading", "rule_kind", "parent", "position"]
        links = {"url": "api:provision-detail", "html_url": "cases:provision-detail"}


class InstrumentDetailSerializer(InstrumentListSerializer):
    provisions = ProvisionBriefSerializer(
        source="provision_list", many=True, help_text="The provisions, in order."
    )

    class Meta(InstrumentListSerializer.Meta):
        fields = [
            *InstrumentListSerializer.Meta.fields,
            "entry_into_force_rule",
            "entry_into_force_delay",
            "withdrawal_delay_months",
            "rules_note",
            "summary",
            "provisions",
        ]


class ProvisionListSerializer(ProvisionBriefSerializer):
    instrument = InstrumentRefSerializer(help_text="The instrument the provision belongs to.")

    class Meta(ProvisionBriefSerializer.Meta):
        fields = [*ProvisionBriefSerializer.Meta.fields, "instrument", "updated_at"]


class ProvisionDetailSerializer(ProvisionListSerializer):
    violation_categories = CategoryRefSerializer(
        many=True, help_text="Violation categories the provision prohibits or criminalises."
    )

    class Meta(ProvisionListSerializer.Meta):
        fields = [*ProvisionListSerializer.Meta.fields, "text", "violation_categories"]


class CategoryListSerializer(Described):
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the broader category, if any.",
    )

    class Meta:
        model = ViolationCategory
        fields = ["slug", "name", "parent", "updated_at"]
        links = {"url": "api:category-detail", "html_url": "cases:category-detail"}
        link_key = "slug"


class CategoryDetailSerializer(CategoryListSerializer):
    children = CategoryRefSerializer(many=True, help_text="Narrower categories.")
    provisions = ProvisionRefSerializer(
        source="public_provisions",
        many=True,
        help_text="Provisions that prohibit or criminalise it.",
    )

    class Meta(CategoryListSerializer.Meta):
        fields = [*CategoryListSerializer.Meta.fields, "description", "children", "provisions"]


class StateListSerializer(Described):
    predecessor = serializers.CharField(
        source="predecessor_id", allow_null=True, help_text=DESCRIPTIONS["predecessor"]
    )

    class Meta:
        model = State
        fields = ["code", "name", "predecessor", "predecessor_relation", "updated_at"]
        links = {"url": "api:state-detail", "html_url": "cases:state-detail"}
        link_key = "code"


class TreatyEventSerializer(TreatyStatementSerializer):
    instrument = InstrumentRefSerializer(help_text="The instrument.")
    withdraws = serializers.IntegerField(
        source="withdraws_id",
        allow_null=True,
        help_text="For a withdrawal of a reservation or declaration: the id of that act.",
    )

    class Meta(TreatyStatementSerializer.Meta):
        fields = ["id", "instrument", *TreatyStatementSerializer.Meta.fields[1:], "withdraws"]


class StateDetailSerializer(StateListSerializer):
    treaty_events = TreatyEventSerializer(
        source="public_treaty_events",
        many=True,
        help_text="The state's treaty acts under public instruments, oldest first.",
    )

    class Meta(StateListSerializer.Meta):
        fields = [*StateListSerializer.Meta.fields, "treaty_events"]


# Sync


class TombstoneSerializer(serializers.Serializer):
    resource = serializers.CharField(help_text="The resource: incidents, actions, actors, ...")
    id = serializers.CharField(
        help_text="The id of the record to remove from a mirror (the slug for categories, "
        "the code for states)."
    )
    reason = serializers.ChoiceField(
        choices=["deleted", "withdrawn", "unpublished"],
        help_text="deleted; withdrawn (retracted after publication); unpublished (no longer "
        "public, or never was).",
    )
    removed_at = serializers.DateTimeField(help_text="When it stopped being public (UTC).")


class TombstoneFeedSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="The since parameter, as understood.")
    until = serializers.DateTimeField(
        help_text="Server time of this answer: keep the first page's, and pass it (minus a "
        "safety margin) as the next since, here and as updated_since on the lists."
    )
    next = serializers.URLField(
        allow_null=True, help_text="The next page's URL; null on the last page."
    )
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page's URL; null on the first."
    )
    results = TombstoneSerializer(many=True, help_text="Records to remove, oldest first.")


# The root


class ApiRootSerializer(serializers.Serializer):
    """Where everything is (GET /api/v1/)."""

    schema = serializers.URLField(help_text="The OpenAPI 3 schema (YAML; ?format=json).")
    docs = serializers.URLField(help_text="Interactive documentation (Swagger UI).")
    guide = serializers.URLField(
        help_text="The API guide: quick start, filters, pagination, errors, sync (Markdown)."
    )
    changelog = serializers.URLField(help_text="What changed for partners, newest first.")
    incidents = serializers.URLField(help_text="Incidents: the list (filters: see the schema).")
    actions = serializers.URLField(help_text="Accountability actions: the list.")
    actors = serializers.URLField(help_text="Actors: the list.")
    sources = serializers.URLField(help_text="Sources: the list.")
    instruments = serializers.URLField(help_text="The law: treaties, statutes, customary rules.")
    provisions = serializers.URLField(help_text="The law: articles of the instruments.")
    categories = serializers.URLField(help_text="The thesaurus of violation categories.")
    states = serializers.URLField(
        help_text="The law: states and their treaty acts; states/{code}/law/?on=YYYY-MM-DD "
        "gives a state's status under every instrument on a date."
    )
    icc_jurisdiction = serializers.URLField(
        help_text="The law: could the ICC exercise jurisdiction "
        "(?on=YYYY-MM-DD&territory=UA&nationality=RU)."
    )
    tombstones = serializers.URLField(
        help_text="Incremental sync: records to remove from a mirror (?since=...)."
    )


def law_on(incident: Incident) -> datetime.date | None:
    """The day the incident's treaty law is computed for: its earliest, else latest date."""
    return incident.date_earliest or incident.date_latest
