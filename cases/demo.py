"""A small, real demo dataset: the ICC warrants of 2023 and 2024 and the law they engage.

Every fact comes from /work/shared/reference-facts.md. Items that file marks "(verify)"
carry that caveat in the treaty event's note. Everything is published and public.

The load is idempotent: rows are found by natural keys and saved only when a value differs,
so a second run writes nothing (not even `updated_at`).
"""

import datetime
from collections import Counter

from django.db import models

from cases import services
from cases.models import (
    AccountabilityAction,
    ActionEvent,
    ActionEventKind,
    ActionKind,
    ActionStatus,
    ActionSubject,
    Actor,
    ActorKind,
    ActorName,
    AttributionConfidence,
    Charge,
    Citation,
    Confidentiality,
    ConflictType,
    EntryIntoForceRule,
    ExclusionScope,
    Incident,
    Instrument,
    InstrumentKind,
    Involvement,
    InvolvementRole,
    LegalQualification,
    Membership,
    Provision,
    PublicationStatus,
    Reliability,
    RuleKind,
    SecurityCouncilReferral,
    Source,
    SourceKind,
    Standing,
    State,
    StateRelation,
    TreatyEvent,
    TreatyEventKind,
    VerificationStatus,
    ViolationCategory,
)

PUBLIC = {
    "publication_status": PublicationStatus.PUBLISHED,
    "confidentiality": Confidentiality.PUBLIC,
}
VERIFY = "(verify) Commonly cited; not checked against the depositary's own record."

Date = datetime.date

# Translations of the demo's texts (docs/i18n.md): written for the demo, not reviewed by a
# translator, and said so in translated_by. The facts are the English originals'.
DEMO_TRANSLATOR = "IHL Case Database demo (unreviewed translation)"
DEMO_TRANSLATED = {"translated_by_uk": DEMO_TRANSLATOR, "translated_by_fr": DEMO_TRANSLATOR}
INCIDENT_TRANSLATIONS = {
    "children": {
        "title_uk": "Депортація та переміщення українських дітей з окупованих територій "
        "України до Російської Федерації",
        "summary_uk": "Українських дітей депортували та переміщували з окупованих територій "
        "України до Російської Федерації щонайменше з 24 лютого 2022 року. 17 березня "
        "2023 року Палата попереднього провадження II МКС видала ордери на арешт "
        "Володимира Путіна та Марії Львової-Бєлової.",
        "title_fr": "Déportation et transfert d'enfants ukrainiens des zones occupées de "
        "l'Ukraine vers la Fédération de Russie",
        "summary_fr": "Des enfants ukrainiens ont été déportés et transférés des zones "
        "occupées de l'Ukraine vers la Fédération de Russie depuis au moins le 24 février "
        "2022. La Chambre préliminaire II de la CPI a délivré des mandats d'arrêt contre "
        "Vladimir Poutine et Maria Lvova-Belova le 17 mars 2023.",
    },
    "strikes": {
        "title_uk": "Кампанія ударів по електроенергетичній інфраструктурі України",
        "summary_uk": "Удари по електроенергетичній інфраструктурі України щонайменше з "
        "10 жовтня 2022 року щонайменше до 9 березня 2023 року. 5 березня 2024 року Палата "
        "попереднього провадження II МКС видала ордери на арешт Сергія Кобилаша та Віктора "
        "Соколова.",
        "title_fr": "Campagne de frappes contre les infrastructures électriques ukrainiennes",
        "summary_fr": "Frappes contre les infrastructures électriques ukrainiennes depuis au "
        "moins le 10 octobre 2022 et jusqu'au moins le 9 mars 2023. La Chambre préliminaire "
        "II de la CPI a délivré des mandats d'arrêt contre Sergueï Kobylach et Viktor "
        "Sokolov le 5 mars 2024.",
    },
    "partisans": {
        "title_uk": "Затримання трьох українських партизанів в окупованій Запорізькій області",
        "summary_uk": "Російська влада, за повідомленнями, затримала трьох українських "
        "партизанів в окупованій Запорізькій області, як повідомив ISW 17 березня 2023 року.",
        "title_fr": "Détention de trois partisans ukrainiens dans l'oblast de Zaporijjia occupé",
        "summary_fr": "Les autorités russes auraient détenu trois partisans ukrainiens dans "
        "l'oblast de Zaporijjia occupé, selon l'ISW le 17 mars 2023.",
    },
}
_CHILDREN_WARRANT = {
    "summary_uk": "Видано під грифом таємності; того ж дня палата оприлюднила факт існування "
    "ордера. Незаконна депортація та переміщення дітей з окупованих територій України до "
    "Російської Федерації щонайменше з 24 лютого 2022 року.",
    "summary_fr": "Délivré sous scellés ; la Chambre a rendu publique l'existence du mandat le "
    "jour même. Déportation et transfert illégaux d'enfants des zones occupées de l'Ukraine "
    "vers la Fédération de Russie, depuis au moins le 24 février 2022.",
}
_STRIKES_WARRANT = {
    "summary_uk": "За кампанію ударів по електроенергетичній інфраструктурі України щонайменше "
    "з 10 жовтня 2022 року щонайменше до 9 березня 2023 року.",
    "summary_fr": "Pour la campagne de frappes contre les infrastructures électriques "
    "ukrainiennes depuis au moins le 10 octobre 2022 et jusqu'au moins le 9 mars 2023.",
}
WARRANT_TRANSLATIONS = {
    "Vladimir Putin": {
        "title_uk": "Ордер МКС на арешт Володимира Путіна",
        "title_fr": "Mandat d'arrêt de la CPI contre Vladimir Poutine",
        **_CHILDREN_WARRANT,
    },
    "Maria Lvova-Belova": {
        "title_uk": "Ордер МКС на арешт Марії Львової-Бєлової",
        "title_fr": "Mandat d'arrêt de la CPI contre Maria Lvova-Belova",
        **_CHILDREN_WARRANT,
    },
    "Sergei Kobylash": {
        "title_uk": "Ордер МКС на арешт Сергія Кобилаша",
        "title_fr": "Mandat d'arrêt de la CPI contre Sergueï Kobylach",
        **_STRIKES_WARRANT,
    },
    "Viktor Sokolov": {
        "title_uk": "Ордер МКС на арешт Віктора Соколова",
        "title_fr": "Mandat d'arrêt de la CPI contre Viktor Sokolov",
        **_STRIKES_WARRANT,
    },
}
SANCTIONS_TRANSLATIONS = {
    "title_uk": "Санкції Великої Британії щодо Марії Львової-Бєлової",
    "summary_uk": "Замороження активів і заборона на в'їзд за примусове переміщення та "
    "усиновлення українських дітей.",
    "title_fr": "Désignation de Maria Lvova-Belova au titre des sanctions du Royaume-Uni",
    "summary_fr": "Gel des avoirs et interdiction de voyager, pour le transfert forcé et "
    "l'adoption d'enfants ukrainiens.",
}
# The titles of the Rome Statute's articles in its French and Spanish authentic texts.
# verify: written from memory of the authentic texts, not checked against them.
AUTHENTIC_TEXTS = {
    "translated_by_fr": "Rome Statute, French authentic text (verify)",
    "translated_by_es": "Rome Statute, Spanish authentic text (verify)",
}
ROME_STATUTE_HEADINGS = {
    "art. 7": ("Crimes contre l'humanité", "Crímenes de lesa humanidad"),
    "art. 8": ("Crimes de guerre", "Crímenes de guerra"),
    "art. 12": (
        "Conditions préalables à l'exercice de la compétence",
        "Condiciones previas para el ejercicio de la competencia",
    ),
    "art. 25": ("Responsabilité pénale individuelle", "Responsabilidad penal individual"),
    "art. 28": (
        "Responsabilité des chefs militaires et autres supérieurs hiérarchiques",
        "Responsabilidad de los jefes y otros superiores",
    ),
    "art. 124": ("Disposition transitoire", "Disposición de transición"),
}


def heading_translations(slug: str, label: str) -> dict[str, str]:
    if slug != "rome-statute" or label not in ROME_STATUTE_HEADINGS:
        return {}
    french, spanish = ROME_STATUTE_HEADINGS[label]
    return {"heading_fr": french, "heading_es": spanish, **AUTHENTIC_TEXTS}


# Provisions per instrument slug: (label, parent label, heading, text, rule kind).
PROVISIONS = {
    "gc-iv": [
        ("art. 11", None, "", "Subject of a reservation by the USSR (1949).", RuleKind.OTHER),
        ("art. 45", None, "", "Subject of a reservation by the USSR (1949).", RuleKind.OTHER),
        (
            "art. 49",
            None,
            "Deportation, forcible transfer and evacuation",
            "",
            RuleKind.PROHIBITION,
        ),
        (
            "art. 49(1)",
            "art. 49",
            "Prohibition of deportation and forcible transfer",
            "Individual or mass forcible transfers, as well as deportations of protected persons "
            "from occupied territory to the territory of the Occupying Power or to that of any "
            "other country, occupied or not, are prohibited, regardless of their motive.",
            RuleKind.PROHIBITION,
        ),
        (
            "art. 49(2)",
            "art. 49",
            "Evacuation",
            "Summary: evacuation is allowed only for the security of the population or "
            "imperative military reasons, with return once hostilities cease.",
            RuleKind.PROHIBITION,
        ),
        (
            "art. 147",
            None,
            "Grave breaches",
            "Summary: unlawful deportation or transfer is a grave breach.",
            RuleKind.GRAVE_BREACH,
        ),
    ],
    "ap-i": [
        (
            "art. 90",
            None,
            "International Fact-Finding Commission",
            "Summary: a party may declare that it recognises the competence of the "
            "Fact-Finding Commission.",
            RuleKind.JURISDICTION,
        ),
    ],
    "rome-statute": [
        ("art. 7", None, "Crimes against humanity", "", RuleKind.CRIME_AGAINST_HUMANITY),
        ("art. 7(1)", "art. 7", "", "", RuleKind.CRIME_AGAINST_HUMANITY),
        (
            "art. 7(1)(d)",
            "art. 7(1)",
            "Deportation or forcible transfer of population",
            "Deportation or forcible transfer of population",
            RuleKind.CRIME_AGAINST_HUMANITY,
        ),
        (
            "art. 7(1)(k)",
            "art. 7(1)",
            "Other inhumane acts",
            "Summary: the crime against humanity of inhumane acts.",
            RuleKind.CRIME_AGAINST_HUMANITY,
        ),
        ("art. 7(2)", "art. 7", "Definitions", "", RuleKind.DEFINITION),
        (
            "art. 7(2)(d)",
            "art. 7(2)",
            "Deportation or forcible transfer of population (definition)",
            "forced displacement of the persons concerned by expulsion or other coercive acts "
            "from the area in which they are lawfully present, without grounds permitted under "
            "international law",
            RuleKind.DEFINITION,
        ),
        ("art. 8", None, "War crimes", "", RuleKind.WAR_CRIME),
        ("art. 8(2)", "art. 8", "", "", RuleKind.WAR_CRIME),
        (
            "art. 8(2)(a)",
            "art. 8(2)",
            "Grave breaches of the Geneva Conventions",
            "",
            RuleKind.WAR_CRIME,
        ),
        (
            "art. 8(2)(a)(vii)",
            "art. 8(2)(a)",
            "Unlawful deportation or transfer or unlawful confinement",
            "Unlawful deportation or transfer or unlawful confinement",
            RuleKind.WAR_CRIME,
        ),
        (
            "art. 8(2)(b)",
            "art. 8(2)",
            "Other serious violations in international armed conflict",
            "",
            RuleKind.WAR_CRIME,
        ),
        (
            "art. 8(2)(b)(ii)",
            "art. 8(2)(b)",
            "Attacking civilian objects",
            "Summary: intentionally directing attacks against civilian objects.",
            RuleKind.WAR_CRIME,
        ),
        (
            "art. 8(2)(b)(iv)",
            "art. 8(2)(b)",
            "Excessive incidental death, injury, or damage",
            "Summary: launching an attack knowing that it will cause excessive incidental harm.",
            RuleKind.WAR_CRIME,
        ),
        (
            "art. 8(2)(b)(viii)",
            "art. 8(2)(b)",
            "Transfer, deportation or transfer of population of occupied territory",
            "The transfer, directly or indirectly, by the Occupying Power of parts of its own "
            "civilian population into the territory it occupies, or the deportation or transfer "
            "of all or parts of the population of the occupied territory within or outside this "
            "territory",
            RuleKind.WAR_CRIME,
        ),
        (
            "art. 12",
            None,
            "Preconditions to the exercise of jurisdiction",
            "",
            RuleKind.JURISDICTION,
        ),
        (
            "art. 12(3)",
            "art. 12",
            "Acceptance of jurisdiction by a State not party",
            "Summary: a State not party may, by a declaration lodged with the Registrar, accept "
            "the exercise of jurisdiction by the Court.",
            RuleKind.JURISDICTION,
        ),
        (
            "art. 25",
            None,
            "Individual criminal responsibility",
            "",
            RuleKind.MODE_OF_LIABILITY,
        ),
        ("art. 25(3)", "art. 25", "", "", RuleKind.MODE_OF_LIABILITY),
        (
            "art. 25(3)(a)",
            "art. 25(3)",
            "Commission",
            "Committing a crime, whether as an individual, jointly with another or through "
            "another person.",
            RuleKind.MODE_OF_LIABILITY,
        ),
        (
            "art. 28",
            None,
            "Responsibility of commanders and other superiors",
            "",
            RuleKind.MODE_OF_LIABILITY,
        ),
        (
            "art. 28(b)",
            "art. 28",
            "Responsibility of other superiors",
            "Summary: responsibility of superiors for failing to exercise control properly "
            "over subordinates.",
            RuleKind.MODE_OF_LIABILITY,
        ),
        (
            "art. 124",
            None,
            "Transitional provision",
            "Summary: a State becoming a party may declare that for seven years it does not "
            "accept the Court's jurisdiction over art. 8 war crimes alleged to have been "
            "committed by its nationals.",
            RuleKind.JURISDICTION,
        ),
    ],
    "genocide-convention": [
        ("art. II", None, "Definition of genocide", "", RuleKind.GENOCIDE),
        (
            "art. II(e)",
            "art. II",
            "Forcibly transferring children",
            "Forcibly transferring children of the group to another group, when committed with "
            "intent to destroy, in whole or in part, a national, ethnical, racial or religious "
            "group, as such.",
            RuleKind.GENOCIDE,
        ),
    ],
    "customary-ihl": [
        (
            "rule 129",
            None,
            "Displacement",
            "Summary: the customary prohibition of deporting or forcibly transferring the "
            "civilian population of an occupied territory (compare GC IV art. 49).",
            RuleKind.PROHIBITION,
        ),
    ],
}


class DemoLoader:
    """Writes the dataset; counts what it created and what it changed, per model."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.changed: Counter[str] = Counter()

    # -- the two primitives every section uses -------------------------------------------

    def put(self, model: type[models.Model], defaults: dict | None = None, **lookup):
        """Find the row by its natural key; create it, or save it only if a value differs.

        Fields and clean() are validated here; unique and check constraints are left to
        the database, which enforces them anyway (checking them here costs a query each).
        """
        defaults = defaults or {}
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **defaults)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.created[model.__name__] += 1
            return obj
        if any(getattr(obj, name) != value for name, value in defaults.items()):
            for name, value in defaults.items():
                setattr(obj, name, value)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.changed[model.__name__] += 1
        return obj

    def put_m2m(self, manager, objects) -> None:
        """Make a many-to-many relation hold exactly these rows (no write if it already does)."""
        wanted, current = {o.pk for o in objects}, set(manager.values_list("pk", flat=True))
        if current != wanted:
            manager.set(list(objects))
            (self.changed if current else self.created)[manager.through.__name__] += 1

    def cite(self, source: Source, pinpoint: str = "", quote: str = "", **target) -> Citation:
        return self.put(Citation, {"pinpoint": pinpoint, "quote": quote}, source=source, **target)

    # -- the sections ----------------------------------------------------------------------

    def load(self) -> None:
        self.load_states()
        self.load_law()
        self.load_categories()
        self.load_sources()
        self.load_treaty_events()
        self.load_referrals()
        self.load_actors()
        self.load_incidents()
        self.load_actions()
        services.refresh_search_names(incidents=Incident.objects.all())

    def load_states(self) -> None:
        su = self.put(State, {"name": "Union of Soviet Socialist Republics"}, code="SU")
        continuation = {"predecessor": su, "predecessor_relation": StateRelation.CONTINUATION}
        self.states = {
            "SU": su,
            "RU": self.put(State, {"name": "Russian Federation", **continuation}, code="RU"),
            "UA": self.put(State, {"name": "Ukraine"}, code="UA"),
            "BY": self.put(State, {"name": "Belarus"}, code="BY"),
            "GB": self.put(State, {"name": "United Kingdom"}, code="GB"),
        }

    def load_law(self) -> None:
        geneva_depositary = "Swiss Federal Council"
        instruments = [
            (
                "gc-iv",
                {
                    "title": "Geneva Convention (IV) relative to the Protection of Civilian "
                    "Persons in Time of War",
                    "short_title": "GC IV",
                    "kind": InstrumentKind.TREATY,
                    "adopted_on": Date(1949, 8, 12),
                    "entry_into_force_on": Date(1950, 10, 21),
                    "depositary": geneva_depositary,
                    "entry_into_force_rule": EntryIntoForceRule.MONTHS_AFTER_DEPOSIT,
                    "entry_into_force_delay": 6,
                    "withdrawal_delay_months": 12,
                    "rules_note": "Art. 153: in force for a new party six months after deposit. "
                    "Art. 158: a denunciation takes effect one year after notification, "
                    "not while the party is involved in a conflict.",
                },
            ),
            (
                "ap-i",
                {
                    "title": "Protocol Additional to the Geneva Conventions of 12 August 1949, "
                    "and relating to the Protection of Victims of International Armed "
                    "Conflicts (Protocol I)",
                    "short_title": "AP I",
                    "kind": InstrumentKind.PROTOCOL,
                    "adopted_on": Date(1977, 6, 8),
                    "entry_into_force_on": Date(1978, 12, 7),
                    "depositary": geneva_depositary,
                    "entry_into_force_rule": EntryIntoForceRule.MONTHS_AFTER_DEPOSIT,
                    "entry_into_force_delay": 6,
                    "withdrawal_delay_months": 12,
                    "rules_note": "Art. 95(2): in force for a new party six months after "
                    "deposit. Art. 99: a denunciation takes effect one year after "
                    "notification, not during a conflict.",
                },
            ),
            (
                "rome-statute",
                {
                    "title": "Rome Statute of the International Criminal Court",
                    "short_title": "Rome Statute",
                    "kind": InstrumentKind.STATUTE,
                    "adopted_on": Date(1998, 7, 17),
                    "entry_into_force_on": Date(2002, 7, 1),
                    "depositary": "Secretary-General of the United Nations",
                    "entry_into_force_rule": EntryIntoForceRule.FIRST_OF_MONTH_AFTER_DAYS,
                    "entry_into_force_delay": 60,
                    "withdrawal_delay_months": 12,
                    "rules_note": "Art. 126(2): in force for a new party on the first day of "
                    "the month after the 60th day following deposit. Art. 127(1): a "
                    "withdrawal takes effect one year after notification, or later if "
                    "specified.",
                },
            ),
            (
                "genocide-convention",
                {
                    "title": "Convention on the Prevention and Punishment of the Crime of Genocide",
                    "short_title": "Genocide Convention",
                    "kind": InstrumentKind.TREATY,
                    "adopted_on": Date(1948, 12, 9),
                    "entry_into_force_on": Date(1951, 1, 12),
                    "entry_into_force_rule": EntryIntoForceRule.DAYS_AFTER_DEPOSIT,
                    "entry_into_force_delay": 90,
                    "withdrawal_delay_months": None,
                    "rules_note": "Art. XIII: in force for a new party on the 90th day after "
                    "deposit.",
                },
            ),
            (
                "customary-ihl",
                {
                    "title": "Customary International Humanitarian Law (ICRC study)",
                    "short_title": "Customary IHL",
                    "kind": InstrumentKind.CUSTOMARY,
                    "rules_note": "Customary rules bind all states; no ratification.",
                },
            ),
        ]
        self.instruments = {}
        for slug, values in instruments:
            self.instruments[slug] = self.put(Instrument, {**values, **PUBLIC}, slug=slug)

        self.provisions: dict[tuple[str, str], Provision] = {}
        for slug, rows in PROVISIONS.items():
            instrument = self.instruments[slug]
            for position, (label, parent, heading, text, rule_kind) in enumerate(rows, start=1):
                self.provisions[slug, label] = self.put(
                    Provision,
                    {
                        "parent": self.provisions[slug, parent] if parent else None,
                        "heading": heading,
                        "text": text,
                        "rule_kind": rule_kind,
                        "position": position * 10,
                        **heading_translations(slug, label),
                    },
                    instrument=instrument,
                    label=label,
                )

    def provision(self, slug: str, label: str) -> Provision:
        return self.provisions[slug, label]

    def load_categories(self) -> None:
        p = self.provision
        rows = [
            ("crimes-against-civilians", "Crimes against civilians", None, "", []),
            (
                "deportation-or-forcible-transfer",
                "Deportation or forcible transfer",
                "crimes-against-civilians",
                "Removing civilians from where they lawfully are, within or out of an "
                "occupied territory, without grounds permitted under international law.",
                [
                    p("gc-iv", "art. 49"),
                    p("gc-iv", "art. 49(1)"),
                    p("rome-statute", "art. 7(1)(d)"),
                    p("rome-statute", "art. 8(2)(a)(vii)"),
                    p("rome-statute", "art. 8(2)(b)(viii)"),
                    p("customary-ihl", "rule 129"),
                ],
            ),
            (
                "transfer-of-children",
                "Transfer of children",
                "deportation-or-forcible-transfer",
                "Forcibly transferring children of a group to another group.",
                [p("genocide-convention", "art. II(e)")],
            ),
            (
                "detention",
                "Detention",
                "crimes-against-civilians",
                "Arrest and detention of persons by a party to the conflict; unlawful "
                "confinement is a war crime.",
                [p("rome-statute", "art. 8(2)(a)(vii)")],
            ),
            (
                "attacks-on-civilian-objects",
                "Attacks on civilian objects",
                None,
                "Attacks directed at civilian objects, or causing excessive incidental harm.",
                [p("rome-statute", "art. 8(2)(b)(ii)"), p("rome-statute", "art. 8(2)(b)(iv)")],
            ),
        ]
        self.categories = {}
        for slug, name, parent, description, provisions in rows:
            category = self.put(
                ViolationCategory,
                {
                    "name": name,
                    "parent": self.categories[parent] if parent else None,
                    "description": description,
                },
                slug=slug,
            )
            self.put_m2m(category.provisions, provisions)
            self.categories[slug] = category

    def load_sources(self) -> None:
        no_url = "Descriptive title; the reference facts do not record its URL."
        rows = [
            (
                "icc-2023",
                "Situation in Ukraine: ICC judges issue arrest warrants against Vladimir "
                "Vladimirovich Putin and Maria Alekseyevna Lvova-Belova",
                {
                    "kind": SourceKind.PRESS_RELEASE,
                    "publisher": "International Criminal Court",
                    "published_on": Date(2023, 3, 17),
                    "url": "https://www.icc-cpi.int/news/situation-ukraine-icc-judges-issue-"
                    "arrest-warrants-against-vladimir-vladimirovich-putin-and",
                    "language": "en",
                    "reliability": Reliability.A,
                },
            ),
            (
                "isw",
                "Russian Offensive Campaign Assessment, March 17, 2023",
                {
                    "kind": SourceKind.NGO_REPORT,
                    "publisher": "Institute for the Study of War",
                    "published_on": Date(2023, 3, 17),
                    "language": "en",
                    "reliability": Reliability.B,
                    "note": "Daily assessment; its key takeaways report the ICC warrants, the "
                    "detention of three partisans in occupied Zaporizhia Oblast, and Belarus "
                    "supplying electronic components to Russia (sanctions evasion, not an IHL "
                    "violation).",
                },
            ),
            (
                "wilson",
                "Wilson Center note on forced displacement",
                {
                    "kind": SourceKind.NGO_REPORT,
                    "publisher": "Wilson Center",
                    "language": "en",
                    "reliability": Reliability.B,
                    "note": "In the same bundle as the ISW assessment of 17 March 2023; puts "
                    "the number of forcibly displaced people at about 110 million, growing by "
                    "10 million a year. " + no_url,
                },
            ),
            (
                "icc-2024",
                "ICC arrest warrants against Sergei Ivanovich Kobylash and Viktor Nikolayevich "
                "Sokolov (5 March 2024)",
                {
                    "kind": SourceKind.PRESS_RELEASE,
                    "publisher": "International Criminal Court",
                    "published_on": Date(2024, 3, 5),
                    "language": "en",
                    "reliability": Reliability.A,
                    "note": no_url,
                },
            ),
            (
                "uk",
                "UK sanctions designation of Maria Lvova-Belova (16 June 2022)",
                {
                    "kind": SourceKind.GOVERNMENT,
                    "publisher": "Government of the United Kingdom",
                    "published_on": Date(2022, 6, 16),
                    "language": "en",
                    "reliability": Reliability.A,
                    "note": no_url,
                },
            ),
            (
                "geneva-depositary",
                "Depositary record of the Geneva Conventions and Additional Protocols",
                {
                    "kind": SourceKind.GOVERNMENT,
                    "publisher": "Swiss Federal Council",
                    "reliability": Reliability.A,
                    "note": "Treaty events marked (verify) were not checked against this "
                    "record. " + no_url,
                },
            ),
            (
                "rome-depositary",
                "Depositary record of the Rome Statute of the International Criminal Court",
                {
                    "kind": SourceKind.UN_DOCUMENT,
                    "publisher": "Secretary-General of the United Nations",
                    "reliability": Reliability.A,
                    "note": "Treaty events marked (verify) were not checked against this "
                    "record. " + no_url,
                },
            ),
            (
                "ru-order-2016",
                "Order of the President of the Russian Federation of 16 November 2016 on the "
                "Rome Statute",
                {
                    "kind": SourceKind.GOVERNMENT,
                    "publisher": "President of the Russian Federation",
                    "published_on": Date(2016, 11, 16),
                    "language": "ru",
                    "reliability": Reliability.A,
                    "note": "Orders that the UN Secretary-General be notified that the Russian "
                    "Federation does not intend to become a party to the Rome Statute. " + no_url,
                },
            ),
        ]
        self.sources = {
            key: self.put(Source, {**values, **PUBLIC}, title=title) for key, title, values in rows
        }

    def treaty_event(self, state: str, slug: str, kind: str, on: Date, **values) -> TreatyEvent:
        provisions = values.pop("provisions", [])
        event = self.put(
            TreatyEvent,
            {
                "effective_on_override": None,
                "withdraws": None,
                "jurisdiction_from": None,
                "jurisdiction_to": None,
                "text": "",
                "note": "",
                **values,
            },
            state=self.states[state],
            instrument=self.instruments[slug],
            kind=kind,
            deposited_on=on,
        )
        self.put_m2m(event.provisions, [self.provision(slug, label) for label in provisions])
        source = self.sources["rome-depositary" if slug == "rome-statute" else "geneva-depositary"]
        self.cite(source, treaty_event=event)
        return event

    def load_treaty_events(self) -> None:
        e, k = self.treaty_event, TreatyEventKind
        # USSR: the Russian Federation continues its treaty status.
        e("SU", "gc-iv", k.SIGNATURE, Date(1949, 12, 12))
        e(
            "SU",
            "gc-iv",
            k.RESERVATION,
            Date(1949, 12, 12),
            provisions=["art. 11", "art. 45"],
            text="Reservations made on signature concerning arts. 11 and 45.",
        )
        e("SU", "gc-iv", k.RATIFICATION, Date(1954, 5, 10), note="In force for it 10 Nov 1954.")
        e(
            "SU",
            "ap-i",
            k.RATIFICATION,
            Date(1989, 9, 29),
            note="Without reservations. In force for it 29 Mar 1990.",
        )
        art_90 = e(
            "SU",
            "ap-i",
            k.DECLARATION,
            Date(1989, 9, 29),
            provisions=["art. 90"],
            text="Declaration recognising the competence of the International Fact-Finding "
            "Commission.",
        )
        e(
            "RU",
            "ap-i",
            k.DECLARATION_WITHDRAWAL,
            Date(2019, 10, 23),
            withdraws=art_90,
            provisions=["art. 90"],
            text="Withdrawal of the art. 90 declaration by a notification to the Swiss Federal "
            "Council. AP I itself stays in force.",
        )
        e("UA", "gc-iv", k.RATIFICATION, Date(1954, 8, 3), note="By the Ukrainian SSR. " + VERIFY)
        e("UA", "ap-i", k.RATIFICATION, Date(1990, 1, 25), note=VERIFY)
        e(
            "BY",
            "gc-iv",
            k.RATIFICATION,
            Date(1954, 8, 3),
            note="By the Byelorussian SSR. " + VERIFY,
        )
        # Ukraine and the Rome Statute.
        e("UA", "rome-statute", k.SIGNATURE, Date(2000, 1, 20))
        e(
            "UA",
            "rome-statute",
            k.JURISDICTION_DECLARATION,
            Date(2014, 4, 17),
            provisions=["art. 12(3)"],
            jurisdiction_from=Date(2013, 11, 21),
            jurisdiction_to=Date(2014, 2, 22),
            text="Accepts the Court's jurisdiction over 21 Nov 2013 – 22 Feb 2014.",
        )
        e(
            "UA",
            "rome-statute",
            k.JURISDICTION_DECLARATION,
            Date(2015, 9, 8),
            provisions=["art. 12(3)"],
            jurisdiction_from=Date(2014, 2, 20),
            text="Accepts the Court's jurisdiction from 20 Feb 2014 onwards.",
        )
        e(
            "UA",
            "rome-statute",
            k.RATIFICATION,
            Date(2024, 10, 25),
            note="Ratification law adopted 21 Aug 2024. In force for Ukraine 1 Jan 2025 "
            "(125th State Party).",
        )
        e(
            "UA",
            "rome-statute",
            k.WAR_CRIMES_EXCLUSION,
            Date(2024, 10, 25),
            exclusion_scope=ExclusionScope.NATIONALS,
            provisions=["art. 124"],
            text="For seven years Ukraine does not accept the Court's jurisdiction over art. 8 "
            "war crimes alleged to have been committed by its nationals.",
        )
        # The Russian Federation and the Rome Statute.
        e("RU", "rome-statute", k.SIGNATURE, Date(2000, 9, 13))
        withdrawal = e(
            "RU",
            "rome-statute",
            k.SIGNATURE_WITHDRAWAL,
            Date(2016, 11, 30),
            text="Notification that the Russian Federation does not intend to become a party.",
            note="Presidential order of 16 Nov 2016. The date of the notification itself: "
            + VERIFY,
        )
        self.cite(self.sources["ru-order-2016"], treaty_event=withdrawal)
        # The Genocide Convention: signed by the three Soviet republics on 16 Dec 1949.
        art_ix = (
            "Ratified with a reservation to art. IX, withdrawn in 1989; the dates of both are "
            "not checked, so neither is entered here. "
        )
        for code, ratified, by in (
            ("SU", Date(1954, 5, 3), ""),
            ("UA", Date(1954, 11, 15), "By the Ukrainian SSR. "),
            ("BY", Date(1954, 8, 11), "By the Byelorussian SSR. "),
        ):
            e(code, "genocide-convention", k.SIGNATURE, Date(1949, 12, 16), note=by + VERIFY)
            e(code, "genocide-convention", k.RATIFICATION, ratified, note=by + art_ix + VERIFY)

    def load_referrals(self) -> None:
        """The Security Council's referrals to the ICC (Rome Statute art. 13(b))."""
        rows = [
            (
                "SD",
                "Sudan",
                "S/RES/1593 (2005)",
                Date(2005, 3, 31),
                "Darfur, Sudan",
                Date(2002, 7, 1),
            ),
            ("LY", "Libya", "S/RES/1970 (2011)", Date(2011, 2, 26), "Libya", Date(2011, 2, 15)),
        ]
        for code, name, resolution, adopted_on, situation, since in rows:
            state = self.states[code] = self.put(State, {"name": name}, code=code)
            source = self.put(
                Source,
                {
                    "kind": SourceKind.UN_DOCUMENT,
                    "publisher": "United Nations Security Council",
                    "published_on": adopted_on,
                    "reliability": Reliability.A,
                    "note": "Descriptive title; the reference facts do not record its URL.",
                    **PUBLIC,
                },
                title=f"Security Council resolution {resolution}",
            )
            referral = self.put(
                SecurityCouncilReferral,
                {
                    "instrument": self.instruments["rome-statute"],
                    "adopted_on": adopted_on,
                    "situation": situation,
                    "jurisdiction_from": since,
                    "jurisdiction_to": None,
                    "note": f"Refers the situation in {situation} since {since:%-d %B %Y}. "
                    f"{name} is not a party to the Rome Statute.",
                },
                resolution=resolution,
            )
            self.put_m2m(referral.states, [state])
            self.cite(source, referral=referral)

    def load_actors(self) -> None:
        states = self.states
        rows = [
            ("Russian Federation", ActorKind.STATE, states["RU"], "", []),
            (
                "Vladimir Putin",
                ActorKind.PERSON,
                states["RU"],
                "President of the Russian Federation.",
                [
                    ("Vladimir Vladimirovich Putin", "en", ActorName.Kind.FULL),
                    ("Владимир Владимирович Путин", "ru", ActorName.Kind.NATIVE),
                ],
            ),
            (
                "Maria Lvova-Belova",
                ActorKind.PERSON,
                states["RU"],
                "Commissioner for Children's Rights of the President of the Russian Federation.",
                [
                    ("Maria Alekseyevna Lvova-Belova", "en", ActorName.Kind.FULL),
                    ("Мария Алексеевна Львова-Белова", "ru", ActorName.Kind.NATIVE),
                    ("Марія Львова-Бєлова", "uk", ActorName.Kind.TRANSLITERATION),
                ],
            ),
            (
                "Sergei Kobylash",
                ActorKind.PERSON,
                states["RU"],
                "Subject of an ICC arrest warrant of 5 March 2024.",
                [("Sergei Ivanovich Kobylash", "en", ActorName.Kind.FULL)],
            ),
            (
                "Viktor Sokolov",
                ActorKind.PERSON,
                states["RU"],
                "Subject of an ICC arrest warrant of 5 March 2024.",
                [("Viktor Nikolayevich Sokolov", "en", ActorName.Kind.FULL)],
            ),
            ("International Criminal Court", ActorKind.COURT, None, "", []),
            (
                "ICC Pre-Trial Chamber II",
                ActorKind.COURT,
                None,
                "The chamber of the International Criminal Court seized of the Situation in "
                "Ukraine (ICC-01/22).",
                [],
            ),
            ("Government of the United Kingdom", ActorKind.STATE_ORGAN, states["GB"], "", []),
            (
                "Institute for the Study of War",
                ActorKind.ORGANISATION,
                None,
                "",
                [("ISW", "en", ActorName.Kind.ALIAS)],
            ),
        ]
        self.actors = {}
        for name, kind, state, description, other_names in rows:
            actor = self.put(
                Actor, {"state": state, "description": description, **PUBLIC}, name=name, kind=kind
            )
            for other, language, name_kind in other_names:
                self.put(
                    ActorName, {"language": language, "kind": name_kind}, actor=actor, name=other
                )
            self.actors[name] = actor
        russia = self.actors["Russian Federation"]
        self.put(
            Membership,
            {"period": ""},
            member=self.actors["Vladimir Putin"],
            organisation=russia,
            post="President",
        )
        self.put(
            Membership,
            {"period": ""},
            member=self.actors["Maria Lvova-Belova"],
            organisation=russia,
            post="Commissioner for Children's Rights of the President of the Russian Federation",
        )

    def load_incidents(self) -> None:
        ua, ru = self.states["UA"], self.states["RU"]
        rows = [
            (
                "children",
                "Deportation and transfer of Ukrainian children from occupied areas of Ukraine "
                "to the Russian Federation",
                {
                    "summary": "Ukrainian children were deported and transferred from occupied "
                    "areas of Ukraine to the Russian Federation from at least 24 February 2022. "
                    "ICC Pre-Trial Chamber II issued arrest warrants for Vladimir Putin and Maria "
                    "Lvova-Belova on 17 March 2023.",
                    "date": "2022-02-24/..",
                    "country": ua,
                    "place_name": "Occupied areas of Ukraine",
                    "controlling_power": ru,
                    "conflict_type": ConflictType.OCCUPATION,
                    "verification_status": VerificationStatus.CORROBORATED,
                },
                ["transfer-of-children"],
            ),
            (
                "strikes",
                "Campaign of strikes on Ukrainian electric infrastructure",
                {
                    "summary": "Strikes against Ukrainian electric infrastructure from at least "
                    "10 October 2022 until at least 9 March 2023. ICC Pre-Trial Chamber II "
                    "issued arrest warrants for Sergei Kobylash and Viktor Sokolov on 5 March "
                    "2024.",
                    "date": "2022-10-10/2023-03-09",
                    "country": ua,
                    "place_name": "Ukraine",
                    "controlling_power": None,
                    "conflict_type": ConflictType.INTERNATIONAL,
                    "verification_status": VerificationStatus.CORROBORATED,
                },
                ["attacks-on-civilian-objects"],
            ),
            (
                "partisans",
                "Detention of three Ukrainian partisans in occupied Zaporizhzhia Oblast",
                {
                    "summary": "Russian authorities reportedly detained three Ukrainian "
                    "partisans in occupied Zaporizhzhia Oblast, as reported by ISW on "
                    "17 March 2023.",
                    "description": "Zaporizhzhia Oblast is also spelled Zaporizhia or "
                    "Zaporozhye (Запорізька область; ISO 3166-2 UA-23). The date of the "
                    "detention is not reported; it was on or before 17 March 2023.",
                    "date": "../2023-03-17",
                    "country": ua,
                    "subdivision": "UA-23",
                    "place_name": "Zaporizhzhia Oblast",
                    "controlling_power": ru,
                    "conflict_type": ConflictType.OCCUPATION,
                    "verification_status": VerificationStatus.ALLEGED,
                },
                ["detention"],
            ),
        ]
        self.incidents = {}
        for key, title, values, categories in rows:
            incident = self.put(
                Incident,
                {
                    "description": "",
                    "subdivision": "",
                    **values,
                    **INCIDENT_TRANSLATIONS[key],
                    **DEMO_TRANSLATED,
                    **PUBLIC,
                },
                title=title,
            )
            self.put_m2m(incident.categories, [self.categories[c] for c in categories])
            self.incidents[key] = incident

        a, icc, isw = self.actors, self.sources["icc-2023"], self.sources["isw"]
        children, strikes, partisans = (
            self.incidents[k] for k in ("children", "strikes", "partisans")
        )
        for incident, source in (
            (children, icc),
            (strikes, self.sources["icc-2024"]),
            (partisans, isw),
        ):
            self.cite(source, incident=incident)
        self.cite(isw, pinpoint="Key takeaways", incident=children)

        role, level = InvolvementRole, AttributionConfidence
        involvements = [
            (children, "Vladimir Putin", role.DIRECT_PERPETRATOR, level.MEDIUM,
             "ICC warrant: art. 25(3)(a), directly, jointly with others and/or through others.",
             icc),
            (children, "Vladimir Putin", role.SUPERIOR, level.MEDIUM,
             "ICC warrant: art. 28(b), failure to exercise proper control over subordinates.",
             icc),
            (children, "Maria Lvova-Belova", role.OTHER, level.MEDIUM,
             "Subject of the ICC arrest warrant of 17 March 2023 and of the UK sanctions "
             "designation of 16 June 2022 for the forced transfer and adoption of Ukrainian "
             "children.", icc),
            (children, "Russian Federation", role.CONTROLLING_AUTHORITY, level.HIGH,
             "The children were taken from occupied areas of Ukraine to the Russian Federation.",
             icc),
            (strikes, "Sergei Kobylash", role.OTHER, level.MEDIUM,
             "Subject of an ICC arrest warrant of 5 March 2024.", self.sources["icc-2024"]),
            (strikes, "Viktor Sokolov", role.OTHER, level.MEDIUM,
             "Subject of an ICC arrest warrant of 5 March 2024.", self.sources["icc-2024"]),
            (partisans, "Russian Federation", role.DIRECT_PERPETRATOR, level.LOW,
             "Russian authorities reportedly detained them (single source).", isw),
            (partisans, "Institute for the Study of War", role.INVESTIGATOR, level.HIGH,
             "Reported it in its assessment of 17 March 2023.", isw),
        ]  # fmt: skip
        for incident, actor, their_role, confidence, note, source in involvements:
            involvement = self.put(
                Involvement,
                {"confidence": confidence, "note": note},
                incident=incident,
                actor=a[actor],
                role=their_role,
            )
            self.cite(source, involvement=involvement)

        chamber, p = a["ICC Pre-Trial Chamber II"], self.provision
        editorial = "Qualification by the editors of this dataset, on the reported facts."
        qualifications = [
            (children, p("gc-iv", "art. 49(1)"), None, None, Standing.ALLEGED, editorial, icc),
            (children, p("rome-statute", "art. 7(1)(d)"), None, None, Standing.ALLEGED,
             editorial, icc),
            (children, p("rome-statute", "art. 8(2)(a)(vii)"), chamber, Date(2023, 3, 17),
             Standing.CHARGED, "Unlawful deportation of population (children).", icc),
            (children, p("rome-statute", "art. 8(2)(b)(viii)"), chamber, Date(2023, 3, 17),
             Standing.CHARGED, "Unlawful transfer of population (children).", icc),
            (children, p("genocide-convention", "art. II(e)"), None, None, Standing.ALLEGED,
             editorial + " The intent to destroy the group, in whole or in part, is not "
             "established by the sources cited.", icc),
        ] + [
            (strikes, p("rome-statute", label), chamber, Date(2024, 3, 5), Standing.CHARGED,
             "", self.sources["icc-2024"])
            for label in ("art. 8(2)(b)(ii)", "art. 8(2)(b)(iv)", "art. 7(1)(k)")
        ]  # fmt: skip
        for incident, provision, by, on, standing, note, source in qualifications:
            qualification = self.put(
                LegalQualification,
                {"asserted_on": on, "standing": standing, "note": note},
                incident=incident,
                provision=provision,
                asserted_by=by,
            )
            self.cite(source, legal_qualification=qualification)

    def load_actions(self) -> None:
        a, p, chamber = self.actors, self.provision, self.actors["ICC Pre-Trial Chamber II"]
        icc_2023, icc_2024 = self.sources["icc-2023"], self.sources["icc-2024"]
        children_charges = [
            ("art. 8(2)(a)(vii)", "Unlawful deportation of population (children)"),
            ("art. 8(2)(b)(viii)", "Unlawful transfer of population (children)"),
        ]
        strikes_charges = [
            ("art. 8(2)(b)(ii)", "Directing attacks at civilian objects"),
            ("art. 8(2)(b)(iv)", "Causing excessive incidental harm"),
            ("art. 7(1)(k)", "Inhumane acts (crime against humanity)"),
        ]
        # The warrants' lives as dated events (their status, seal and dates derive from them:
        # services.update_action_lifecycles()), each cited to the ICC's press release.
        kind = ActionEventKind
        children_events = [
            (kind.APPLIED, Date(2023, 2, 22), "Application by the Prosecution."),
            (
                kind.ISSUED_UNDER_SEAL,
                Date(2023, 3, 17),
                "Issued by Pre-Trial Chamber II, under seal.",
            ),
            (
                kind.MADE_PUBLIC,
                Date(2023, 3, 17),
                "The chamber made the warrant's existence public the same day.",
            ),
        ]
        strikes_events = [(kind.ISSUED, Date(2024, 3, 5), "Issued by Pre-Trial Chamber II.")]
        warrants = [
            ("Vladimir Putin", self.incidents["children"], children_charges, "2022-02-24/..",
             ["art. 25(3)(a)", "art. 28(b)"], children_events, icc_2023,
             "Issued under seal; the chamber made the warrant's existence public the same "
             "day. Unlawful deportation and transfer of children from occupied areas of "
             "Ukraine to the Russian Federation, from at least 24 February 2022."),
            ("Maria Lvova-Belova", self.incidents["children"], children_charges, "2022-02-24/..",
             [], children_events, icc_2023,
             "Issued under seal; the chamber made the warrant's existence public the same "
             "day. Unlawful deportation and transfer of children from occupied areas of "
             "Ukraine to the Russian Federation, from at least 24 February 2022."),
            ("Sergei Kobylash", self.incidents["strikes"], strikes_charges,
             "2022-10-10/2023-03-09", [], strikes_events, icc_2024,
             "For the campaign of strikes against Ukrainian electric infrastructure from at "
             "least 10 October 2022 until at least 9 March 2023."),
            ("Viktor Sokolov", self.incidents["strikes"], strikes_charges,
             "2022-10-10/2023-03-09", [], strikes_events, icc_2024,
             "For the campaign of strikes against Ukrainian electric infrastructure from at "
             "least 10 October 2022 until at least 9 March 2023."),
        ]  # fmt: skip
        new_actions, with_events = set(), []
        for person, incident, charges, period, modes, events, source, summary in warrants:
            subject = a[person]
            created = self.created["AccountabilityAction"]
            action = self.put(
                AccountabilityAction,
                {
                    "issuing_body": chamber,
                    "summary": summary,
                    **WARRANT_TRANSLATIONS[person],
                    **DEMO_TRANSLATED,
                    **PUBLIC,
                },
                kind=ActionKind.ARREST_WARRANT,
                reference="ICC-01/22",
                title=f"ICC arrest warrant for {person}",
            )
            if self.created["AccountabilityAction"] > created:
                new_actions.add(action.pk)
            self.put(ActionSubject, action=action, actor=subject)
            self.put_m2m(action.incidents, [incident])
            self.cite(source, action=action)
            for label, description in charges:
                charge = self.put(
                    Charge,
                    {"description": description, "crime_period": period},
                    action=action,
                    subject=subject,
                    provision=p("rome-statute", label),
                )
                self.put_m2m(charge.modes_of_liability, [p("rome-statute", mode) for mode in modes])
                self.cite(source, charge=charge)
            for event_kind, on, description in events:
                event = self.put(
                    ActionEvent,
                    {"description": description},
                    action=action,
                    kind=event_kind,
                    occurred_on=on,
                    subject=None,
                )
                self.cite(source, action_event=event)
            with_events.append(action)
        changed = services.update_action_lifecycles(actions=with_events)
        # A new action's derived values are part of its creation, not a change.
        if repaired := len({action.pk for action in changed} - new_actions):
            self.changed["AccountabilityAction"] += repaired

        lvova_belova = a["Maria Lvova-Belova"]
        designation = self.put(
            AccountabilityAction,
            {
                "issuing_body": a["Government of the United Kingdom"],
                "issued_on": Date(2022, 6, 16),
                "status": ActionStatus.ACTIVE,
                "summary": "Asset freeze and travel ban, for the forced transfer and adoption "
                "of Ukrainian children.",
                **SANCTIONS_TRANSLATIONS,
                **DEMO_TRANSLATED,
                **PUBLIC,
            },
            kind=ActionKind.SANCTIONS,
            reference="",
            title="UK sanctions designation of Maria Lvova-Belova",
        )
        self.put(ActionSubject, action=designation, actor=lvova_belova)
        self.put_m2m(designation.incidents, [self.incidents["children"]])
        self.cite(self.sources["uk"], action=designation)


def load_demo() -> DemoLoader:
    """Load (or bring up to date) the demo dataset; returns the loader with its counts."""
    loader = DemoLoader()
    loader.load()
    return loader
