"""Synthetic demo data for benchmarks: many incidents with realistic, varied text.

`generate(incidents=N, seed=S)` appends N incidents with their categories, involvements,
legal qualifications, victim counts and citations, plus the actors and sources they need;
one accountability action per 25 incidents (arrest warrants and the other kinds) on 1-4
of them, with subjects (actors of those incidents), charges (on the incidents' war-crime
and genocide provisions) and a citation; and tombstones of the records that were public
and are not (withdrawn; a third of the published ones now confidential or restricted;
ids taken and never written, as deletions leave). Everything has the same visibility mix.
Records are created and edited over six years back from the run; `changed_at` is what the
sync triggers would have written (a part's later edit, an action's link and edits), the
triggers being off for the run. The same seed gives the same content, and the same
timestamps counted back from the run (ids differ between runs: a second run appends).
States, instruments, provisions and categories are reused by code or slug.

Speed matters (100,000 incidents, a million rows, should take minutes), so incidents and
their child rows are written with PostgreSQL COPY from a second thread while the next batch
is built, ids are reserved from the tables' sequences up front, the EDTF bounds are computed
together with the string (the edtf parser takes ~10 ms a string) and Incident.search_names
is composed here by cases.search_names.Names, the computation services.refresh_search_names()
uses (the names read once, before the COPY starts). What remains is PostgreSQL's own work:
the generated search vector and its GIN index, 2-4 ms of server CPU a row.
"""

import dataclasses
import datetime
import itertools
import random
import string
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    ActionKind,
    ActionStatus,
    Actor,
    ActorKind,
    ActorName,
    AttributionConfidence,
    Confidentiality,
    ConflictType,
    CoordinatePrecision,
    Instrument,
    InstrumentKind,
    InvolvementRole,
    Provision,
    PublicationStatus,
    Reliability,
    RuleKind,
    SealStatus,
    Source,
    SourceKind,
    Standing,
    State,
    Tombstone,
    TombstoneReason,
    VerificationStatus,
    VictimCount,
    ViolationCategory,
)
from cases.search_names import Names, Naming

BATCH_SIZE = 2000
MAX_INVOLVEMENTS = 4
MAX_QUALIFICATIONS = 3
ACTIONS_PER_INCIDENT = 0.04  # 4,000 actions for 100,000 incidents
MAX_ACTION_INCIDENTS = 4
WITHDRAWN_SHARE = 0.01
DELETED_SHARE = 0.01  # of incidents and actions (at least one each): ids never written, tombstoned
HISTORY_DAYS = 6 * 365  # records created and edited over the last six years
FIRST_DAY = datetime.date(1990, 1, 1)
LAST_DAY = datetime.date(2026, 10, 31)


def words(text: str) -> list[str]:
    return text.split()


# --- Word lists. Earlier words are more frequent: every list is drawn Zipf-like by rank. ---

NOUNS = words("""
attack civilians village building area forces shelling strike hospital school town city
house residents group soldiers children women men family people road checkpoint market
village-council district region convoy vehicle ambulance bridge station water power
detention facility camp prisoners witnesses evidence report investigation operation unit
commander order weapons artillery rocket missile drone mortar airstrike bomb mine grenade
fire explosion crater damage debris ruins shelter basement cellar street square church mosque
synagogue cemetery farm field forest river border crossing corridor evacuation column bus
train railway airport port warehouse factory plant dam reservoir pipeline substation grid
clinic pharmacy bakery shop kindergarten university library museum theatre stadium hall
apartment block courtyard roof window wall gate fence trench position line front offensive
withdrawal occupation administration authorities officials police militia guards patrol
interrogation torture beating abuse detention disappearance abduction execution killing
massacre deportation transfer displacement looting destruction burning siege blockade
starvation hunger supplies food medicine aid humanitarian workers volunteers journalists
doctors nurses teachers priests farmers refugees returnees survivors victims relatives
bodies graves exhumation remains identification autopsy wounds injuries shrapnel fragments
munitions cluster submunitions remnants ordnance landmines tripwire booby-trap sniper
gunfire shots bullets rifles machine-guns tanks armoured carriers helicopters aircraft
jets warships boats radio telephone footage video photographs images satellite imagery
analysis geolocation metadata timestamps chronology sequence pattern campaign policy plan
directive instruction decree list names filtration screening passports documents records
registration adoption guardianship orphanage custody camps relocation resettlement
propaganda statements denial claims allegations findings conclusions recommendations
testimony interviews accounts sources partners monitors inspectors delegation mission
commission tribunal court chamber prosecutor judge defence counsel trial hearing verdict
sentence warrant indictment charges sanctions resolution session mandate period scope
jurisdiction responsibility liability command control knowledge intent purpose motive
protection status immunity neutrality distinction proportionality precaution necessity
harm loss suffering trauma fear panic chaos silence darkness winter summer spring autumn
night morning afternoon evening dawn dusk week month year days hours minutes weeks months
""")

ADJECTIVES = words("""
civilian military armed local residential medical humanitarian indiscriminate deliberate
heavy repeated systematic widespread unlawful arbitrary prolonged sudden nearby northern
southern eastern western central occupied besieged remote rural urban densely populated
elderly wounded injured missing detained displaced forcibly separated unaccompanied
protected marked clearly visible unguided guided explosive incendiary thermobaric
improvised multiple-launch long-range short-range precise imprecise disproportionate
excessive reckless negligent intentional coordinated isolated apparent reported confirmed
verified unverified credible consistent corroborated independent official unofficial
anonymous former current senior junior regional national international foreign domestic
makeshift temporary permanent destroyed damaged partially completely severely critically
fatally lethal non-lethal secret public private visible hidden mass individual collective
serious grave flagrant manifest alleged suspected documented recorded preliminary final
initial subsequent further additional several numerous countless dozens hundreds thousands
""")

VERBS = words("""
shelled struck attacked destroyed damaged hit targeted bombed fired launched detained
arrested abducted interrogated tortured beat killed executed shot wounded injured
deported transferred removed displaced evacuated relocated separated confined held
released exchanged buried exhumed identified documented recorded reported confirmed
verified corroborated investigated examined visited interviewed photographed filmed
geolocated analysed collected preserved submitted published denied rejected acknowledged
claimed alleged accused ordered instructed authorised approved planned organised directed
commanded supervised controlled occupied seized captured surrounded besieged blockaded
looted burned razed demolished mined cleared searched screened filtered registered
questioned threatened intimidated coerced forced compelled prevented blocked obstructed
restricted denied-access starved deprived neglected abandoned fled escaped survived
returned rebuilt repaired restored compensated prosecuted charged indicted sentenced
convicted acquitted sanctioned condemned deplored urged called-for demanded requested
""")

ADVERBS = words("""
reportedly allegedly repeatedly deliberately indiscriminately systematically apparently
reportedly subsequently later earlier immediately eventually shortly finally nearly
approximately roughly at-least at-most overnight daily weekly regularly briefly openly
""")

PLACE_TYPES = words("""
village town city settlement district hospital school market station bridge shelter
camp prison orphanage church mosque kindergarten clinic bakery theatre dormitory farm
""")

LEGAL_TERMS = words("""
war-crime crime-against-humanity grave-breach genocide persecution murder torture
inhumane-treatment unlawful-deportation unlawful-transfer unlawful-confinement
hostage-taking pillage wilful-killing attacks-against-civilians starvation-method
destruction-of-property outrages-upon-dignity enforced-disappearance sexual-violence
""")

SOURCE_KINDS = words("""
witnesses survivors local-officials medical-staff monitors journalists investigators
satellite-imagery open-source-analysts the-prosecutor the-commission human-rights-groups
""")

# Syllables for synthetic place and personal names: thousands of rare, distinct words.
SYLLABLES = words("""
ka ra ma na ta la sa va da ba ko ro mo no to lo so vo do bo ki ri mi ni ti li si vi di bi
ku ru mu nu tu lu su vu du bu an ar el en er il in ir ol on or ul un ur ash esh ish osh
ush ak ek ik ok uk hal hem hor zar zel zin kha ghe dra tro pla kre sto bri
""")
PLACE_SUFFIXES = words("ivka ovo ino ske sk ar abad ia pur ville grad polje ka iye ra ton")

CYRILLIC_FIRST = words("""
Олександр Дмитро Сергій Іван Марія Олена Андрій Юрій Наталія Віктор Михайло Тетяна
Володимир Анна Павло Ігор Оксана Василь Галина Микола Людмила Роман Світлана Євген
Алексей Николай Татьяна Максим Ольга Вадим Кирилл Ирина Денис Екатерина Артём
""")
CYRILLIC_ROOTS = words("""
Шевч Коваль Бонд Ткач Кравч Олійн Шкар Мельн Савч Руд Поп Лис Гонч Марч Боб Кузьм
Соколь Морозь Волк Зайц Орл Лебед Смирн Павл Семен Федор Гриш Борис Степан Тарас
""")
CYRILLIC_SUFFIXES = ["енко", "ук", "чук", "ов", "ова", "ський", "ська", "ин", "ина", "ич"]
LATIN_FIRST = words("""
Ahmad Amina Hassan Fatima Omar Layla Yusuf Mariam Ibrahim Aisha Samuel Grace Joseph
Esther Daniel Ruth Min Thandar Aung Kyaw Carlos Lucia Jorge Ana Mohamed Khadija Ali Zainab
""")
# Cyrillic letter -> Latin; "_" marks letters dropped in romanisation (ь, ъ).
TRANSLIT = {
    cyrillic: latin.replace("_", "")
    for cyrillic, latin in zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяэыёъ",
        words(
            "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia e y io _"
        ),
        strict=True,
    )
}

UNIT_TYPES = [
    ("Motorised Rifle Brigade", "мотострелковая бригада"),
    ("Separate Mechanised Brigade", "отдельная механизированная бригада"),
    ("Airborne Assault Regiment", "десантно-штурмовой полк"),
    ("Artillery Brigade", "артиллерийская бригада"),
    ("Tank Regiment", "танковый полк"),
    ("Marine Infantry Brigade", "бригада морской пехоты"),
    ("Territorial Defence Battalion", "батальон территориальной обороны"),
    ("Special Purpose Battalion", "батальон специального назначения"),
]
GROUP_NOUNS = words("""
Liberation-Front People's-Militia Defence-Forces Resistance-Movement Brigades Army
Popular-Mobilisation Self-Defence-Units Revolutionary-Council Movement
""")
ORG_NOUNS = words("""
Human-Rights-Centre Documentation-Project Legal-Aid-Network Monitoring-Group Civil-Liberties-Centre
Truth-Initiative Accountability-Lab Victims-Association Media-Initiative Research-Institute
""")
PUBLISHERS = words("""
Human-Rights-Watch Amnesty-International OHCHR OSCE UN-Human-Rights-Council Reuters
Associated-Press BBC Bellingcat ISW ACLED Airwars Physicians-for-Human-Rights Mnemonic
""")
VICTIM_GROUPS = words("""
civilians children women elderly-people medical-personnel journalists prisoners-of-war
detainees aid-workers teachers farmers residents displaced-persons
""")

# Real ISO 3166-1 codes and names; approximate centroids; subdivisions (ISO-3166-2-looking).
COUNTRIES = [
    ("UA", "Ukraine", 48.4, 31.2, 27),
    ("SY", "Syrian Arab Republic", 35.0, 38.5, 14),
    ("SD", "Sudan", 15.5, 30.2, 18),
    ("MM", "Myanmar", 21.9, 95.9, 15),
    ("YE", "Yemen", 15.6, 48.5, 22),
    ("AF", "Afghanistan", 33.9, 67.7, 34),
    ("IQ", "Iraq", 33.2, 43.7, 19),
    ("CD", "Congo, The Democratic Republic of the", -2.9, 23.6, 26),
    ("PS", "Palestine, State of", 31.9, 35.2, 16),
    ("ET", "Ethiopia", 9.1, 40.5, 11),
    ("ML", "Mali", 17.6, -4.0, 10),
    ("NG", "Nigeria", 9.1, 8.7, 37),
    ("SO", "Somalia", 5.2, 46.2, 18),
    ("LY", "Libya", 26.3, 17.2, 22),
    ("SS", "South Sudan", 6.9, 31.3, 10),
    ("CF", "Central African Republic", 6.6, 20.9, 17),
    ("BF", "Burkina Faso", 12.2, -1.6, 13),
    ("AM", "Armenia", 40.1, 45.0, 11),
    ("AZ", "Azerbaijan", 40.1, 47.6, 11),
    ("GE", "Georgia", 42.3, 43.4, 12),
    ("BA", "Bosnia and Herzegovina", 43.9, 17.7, 3),
    ("HR", "Croatia", 45.1, 15.2, 21),
    ("RS", "Serbia", 44.0, 21.0, 25),
    ("RW", "Rwanda", -1.9, 29.9, 5),
    ("SL", "Sierra Leone", 8.5, -11.8, 5),
    ("LK", "Sri Lanka", 7.9, 80.8, 9),
    ("CO", "Colombia", 4.6, -74.3, 33),
    ("LB", "Lebanon", 33.9, 35.9, 8),
    ("IL", "Israel", 31.0, 34.9, 6),
    ("RU", "Russian Federation", 55.8, 37.6, 40),
    ("MZ", "Mozambique", -18.7, 35.5, 11),
    ("CM", "Cameroon", 7.4, 12.4, 10),
    ("HT", "Haiti", 18.9, -72.3, 10),
    ("BY", "Belarus", 53.7, 27.9, 7),
]
UKRAINE_OBLASTS = words(
    "05 07 09 12 14 18 21 23 26 30 32 35 40 43 46 48 51 53 56 59 61 63 65 68 71 74 77"
)

# Instruments reused by slug when they exist; provisions by (instrument, label).
INSTRUMENTS = [
    (
        "gc-iv",
        "Geneva Convention (IV) relative to the Protection of Civilian Persons in Time of War",
        "GC IV",
        InstrumentKind.TREATY,
        "art. 3; art. 27; art. 32; art. 33; art. 49; art. 53; art. 147",
        RuleKind.PROHIBITION,
    ),
    (
        "ap-i",
        "Protocol Additional to the Geneva Conventions (Protocol I)",
        "AP I",
        InstrumentKind.PROTOCOL,
        "art. 48; art. 51(2); art. 51(4); art. 52; art. 54; art. 57; art. 85(3)",
        RuleKind.PROHIBITION,
    ),
    (
        "ap-ii",
        "Protocol Additional to the Geneva Conventions (Protocol II)",
        "AP II",
        InstrumentKind.PROTOCOL,
        "art. 4; art. 13; art. 17",
        RuleKind.PROHIBITION,
    ),
    (
        "rome-statute",
        "Rome Statute of the International Criminal Court",
        "Rome Statute",
        InstrumentKind.STATUTE,
        "art. 7(1)(a); art. 7(1)(d); art. 8(2)(a)(i); art. 8(2)(a)(vii); art. 8(2)(b)(i); "
        "art. 8(2)(b)(ii); art. 8(2)(b)(iv); art. 8(2)(b)(viii); art. 8(2)(b)(ix); "
        "art. 8(2)(b)(xxv); art. 8(2)(e)(i)",
        RuleKind.WAR_CRIME,
    ),
    (
        "genocide-convention",
        "Convention on the Prevention and Punishment of the Crime of Genocide",
        "Genocide Convention",
        InstrumentKind.TREATY,
        "art. II(a); art. II(e)",
        RuleKind.GENOCIDE,
    ),
    (
        "customary-ihl",
        "Customary international humanitarian law (ICRC study)",
        "Customary IHL",
        InstrumentKind.CUSTOMARY,
        "rule 1; rule 7; rule 11; rule 14; rule 15; rule 129; rule 156",
        RuleKind.PROHIBITION,
    ),
]

CATEGORIES = {
    "Attacks on civilians and civilian objects": [
        "Indiscriminate attacks",
        "Attacks on hospitals and medical units",
        "Attacks on schools",
        "Attacks on cultural property",
        "Attacks on energy infrastructure",
    ],
    "Crimes against civilians": [
        "Deportation or forcible transfer",
        "Wilful killing",
        "Hostage-taking",
        "Pillage",
        "Starvation of civilians",
    ],
    "Treatment of detainees": [
        "Torture and ill-treatment",
        "Enforced disappearance",
        "Unlawful confinement",
        "Execution of prisoners of war",
    ],
    "Sexual and gender-based violence": ["Rape", "Sexual slavery"],
    "Prohibited weapons and means": ["Cluster munitions", "Anti-personnel mines"],
    "Children": ["Recruitment of children", "Transfer of children"],
}

# Accountability actions: kind, weight, reference prefix, whether it names its subjects.
ACTION_KINDS = [
    (ActionKind.ARREST_WARRANT, 6, "ICC-01/{year}-AW", True),
    (ActionKind.INDICTMENT, 4, "PGO-{year}-IND", True),
    (ActionKind.SUMMONS, 1, "ICC-02/{year}-SUM", True),
    (ActionKind.VERDICT, 2, "DC-{year}-V", True),
    (ActionKind.SANCTIONS, 3, "SANC-{year}", True),
    (ActionKind.UN_RESOLUTION, 1, "A/RES/{year}", False),
    (ActionKind.INQUIRY_FINDING, 2, "A/HRC/{year}/COI", False),
    (ActionKind.OTHER, 1, "REF-{year}", False),
]
ACTION_STATUSES = [
    (ActionStatus.ACTIVE, 6),
    (ActionStatus.EXECUTED, 1),
    (ActionStatus.CONCLUDED, 2),
    (ActionStatus.WITHDRAWN, 1),
    (ActionStatus.LIFTED, 1),
    (ActionStatus.WITHOUT_EFFECT, 1),
]
SEALS = [(SealStatus.PUBLIC, 7), (SealStatus.UNSEALED, 2), (SealStatus.UNDER_SEAL, 1)]
ISSUERS = [
    ("International Criminal Court", ActorKind.COURT),
    ("Office of the Prosecutor General", ActorKind.STATE_ORGAN),
    ("UN Human Rights Council", ActorKind.INTERNATIONAL_BODY),
    ("Independent International Commission of Inquiry", ActorKind.INTERNATIONAL_BODY),
    ("Council of the European Union", ActorKind.INTERNATIONAL_BODY),
]
WITHDRAWAL_REASONS = [
    "Withdrawn: the only account could not be corroborated.",
    "Withdrawn: a duplicate of another record, merged into it.",
    "Withdrawn at the request of the source, who feared reprisals.",
    "Withdrawn: the location was misidentified; a corrected record replaces it.",
]


def slugify_ascii(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def plain(word: str) -> str:
    """List entries join words with hyphens ("at-least"); most are plain spaces in text."""
    return word.replace("-", " ") if "-" in word and word[0].islower() else word


class Zipf:
    """Draw from a list with probability proportional to 1 / rank**exponent."""

    def __init__(self, words: Sequence[str], exponent: float = 1.05):
        self.words = list(words)
        self.cum = list(itertools.accumulate(1 / (r**exponent) for r in range(1, len(words) + 1)))

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cum)[0]


def transliterate(cyrillic: str) -> str:
    """A rough Ukrainian/Russian romanisation: Шевченко -> Shevchenko."""
    return "".join(
        TRANSLIT.get(c.lower(), c).capitalize() if c.isupper() else TRANSLIT.get(c, c)
        for c in cyrillic
    )


def synthetic_names(rng: random.Random, count: int, suffixes: Sequence[str]) -> list[str]:
    names: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        syllables = rng.choices(SYLLABLES, k=rng.choice((1, 2, 2, 3)))
        name = ("".join(syllables) + rng.choice(suffixes)).capitalize()
        if name not in names:
            names.add(name)
            ordered.append(name)
    return ordered


@dataclass
class Vocabulary:
    """The Zipf samplers the text templates draw from; built from the seed."""

    rng: random.Random
    places: list[str]
    slots: dict[str, Zipf] = field(default_factory=dict)

    @classmethod
    def build(cls, rng: random.Random) -> "Vocabulary":
        places = synthetic_names(rng, 6000, PLACE_SUFFIXES)
        vocabulary = cls(rng=rng, places=places)
        vocabulary.slots = {
            "N": Zipf([plain(w) for w in NOUNS]),
            "A": Zipf([plain(w) for w in ADJECTIVES]),
            "V": Zipf([plain(w) for w in VERBS]),
            "D": Zipf([plain(w) for w in ADVERBS]),
            "T": Zipf(PLACE_TYPES),
            "L": Zipf([plain(w) for w in LEGAL_TERMS]),
            "S": Zipf([plain(w) for w in SOURCE_KINDS]),
            "G": Zipf([plain(w) for w in VICTIM_GROUPS]),
            "P": Zipf(places, exponent=0.9),
            "W": Zipf(
                [
                    plain(w)
                    for w in words(
                        "artillery rockets mortars drones missiles cluster-munitions glide-bombs "
                        "tank-fire small-arms airstrikes barrel-bombs thermobaric-rockets"
                    )
                ]
            ),
        }
        return vocabulary

    def word(self, slot: str) -> str:
        if slot == "#":
            return str(self.rng.choice((2, 3, 4, 5, 7, 9, 12, 15, 20, 30, 40, 60, 100, 250)))
        return self.slots[slot](self.rng)


# Sentence templates: {X} is a word drawn from slot X (see Vocabulary.slots); {actor} is
# one of the incident's actors, {place} its place name.
SENTENCES = [
    "{actor} {V} the {A} {N} in the {T} of {P} {D}.",
    "According to {S}, {#} {G} were {V} when {W} {V} a {A} {N} near {place}.",
    "The {A} {N} {V} the {N} of the {A} {N}, and the {N} was {V} {D}.",
    "{S} described {A} {N} and the {N} of {N} near the {T} of {P}.",
    "The {N} may amount to {L} under international humanitarian law.",
    "In the {N} that followed, {#} {G} were {V} and {#} {N} were {V}.",
    "{actor} {V} that the {N} had been {V} by {A} {N}.",
    "The {T} lies {#} kilometres from {P}, where {A} {N} had {V} the {N}.",
    "Residents of {place} said the {A} {N} had {V} for {#} days before the {N}.",
    "Footage {V} by {S} shows {A} {N} beside the {N} and the {A} {N}.",
    "The {N} {V} {A} {N}, {A} {N} and a {N} used by {G}.",
    "Investigators {V} {#} {N}, {A} {N} and the {N} of {P}.",
    "{S} {V} the {N} to {A} {N} operating from {P}.",
    "No {A} {N} was {V} in the {T} at the time, {S} said.",
]
TITLES = [
    "{A} {N} on {T} in {place} {V} {#} {G}",
    "{W} {N} of {A} {T} near {place} {V} {G}",
    "{G} {V} during {A} {N} of {place} {T}",
    "{A} {N} and {N} of {G} in {place} {T}",
    "Reported {L} after {A} {N} on the {T} of {place}",
]
SUMMARY_WORDS = (40, 80)
TITLE_WORDS = (8, 12)
DESCRIPTION_WORDS = (300, 450)


def parse_template(template: str) -> list[tuple[str, str | None]]:
    return [(literal, name) for literal, name, _, _ in string.Formatter().parse(template)]


class Writer:
    """Fills templates with words; keeps the text of one incident consistent."""

    def __init__(self, vocabulary: Vocabulary):
        self.v = vocabulary
        self.sentences = [parse_template(t) for t in SENTENCES]
        self.titles = [parse_template(t) for t in TITLES]

    def fill(self, template, actors: Sequence[str], place: str) -> str:
        out = []
        for literal, name in template:
            out.append(literal)
            if name is None:
                continue
            if name == "actor":
                out.append(self.v.rng.choice(actors) if actors else "The authorities")
            elif name == "place":
                out.append(place)
            else:
                out.append(self.v.word(name))
        text = "".join(out)
        return text[0].upper() + text[1:]

    def title(self, actors, place) -> str:
        words = self.fill(self.v.rng.choice(self.titles), actors, place).split()
        while len(words) < TITLE_WORDS[0]:
            words.append(self.v.word("N"))
        return " ".join(words[: TITLE_WORDS[1]])

    def sentences_until(self, minimum: int, maximum: int, actors, place) -> list[str]:
        sentences, count = [], 0
        while count < minimum:
            sentence = self.fill(self.v.rng.choice(self.sentences), actors, place)
            length = sentence.count(" ") + 1
            if count >= minimum // 2 and count + length > maximum:
                continue
            sentences.append(sentence)
            count += length
        return sentences

    def summary(self, actors, place) -> str:
        return " ".join(self.sentences_until(*SUMMARY_WORDS, actors, place))

    def description(self, actors, place) -> str:
        target = self.v.rng.randint(DESCRIPTION_WORDS[0], DESCRIPTION_WORDS[1])
        sentences = self.sentences_until(target, target + 40, actors, place)
        paragraphs, i = [], 0
        while i < len(sentences):
            size = self.v.rng.randint(3, 7)
            paragraphs.append(" ".join(sentences[i : i + size]))
            i += size
        return "\n\n".join(paragraphs)


def random_edtf(rng: random.Random) -> tuple[str, datetime.date | None, datetime.date | None]:
    """An EDTF string in one of the reported forms, with the bounds edtf_bounds() gives."""
    span = (LAST_DAY - FIRST_DAY).days
    day = FIRST_DAY + datetime.timedelta(days=int(span * rng.random() ** 0.6))
    month_start = day.replace(day=1)
    month_end = (month_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
        days=1
    )
    later = min(LAST_DAY, day + datetime.timedelta(days=rng.randint(1, 700)))
    form = rng.random()
    if form < 0.40:
        return day.isoformat(), day, day
    if form < 0.52:
        return f"{day:%Y-%m}", month_start, month_end
    if form < 0.62:
        return f"{day:%Y-%m}~", month_start, month_end
    if form < 0.68:
        year = (datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
        return rng.choice([f"{day.year}-XX", f"{day.year}", f"{day.year}?"]), *year
    if form < 0.84:
        return f"{day.isoformat()}/{later.isoformat()}", day, later
    if form < 0.94:
        return f"{day.isoformat()}/..", day, None
    if form < 0.98:
        return f"{day:%Y-%m}/{later:%Y-%m}", month_start, _month_end(later)
    return "", None, None


def _month_end(day: datetime.date) -> datetime.date:
    first_next = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_next - datetime.timedelta(days=1)


def weighted(rng: random.Random, choices: Sequence[tuple[object, float]]):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def visibility(rng: random.Random, restricted_share: float = 0.05) -> tuple[str, str]:
    """Mostly published and public; ~5% unpublished, ~5% not public, ~1% withdrawn."""
    status = PublicationStatus.PUBLISHED
    confidentiality = Confidentiality.PUBLIC
    roll = rng.random()
    if roll < restricted_share:
        status = rng.choice([PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW])
    elif roll < 2 * restricted_share:
        confidentiality = rng.choice([Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL])
    elif roll < 2 * restricted_share + WITHDRAWN_SHARE:
        status = PublicationStatus.WITHDRAWN
    return status, confidentiality


def withdrawal_reason(rng: random.Random, status: str) -> str:
    if status != PublicationStatus.WITHDRAWN:
        return ""
    return rng.choice(WITHDRAWAL_REASONS)


def removal(rng: random.Random, status: str, confidentiality: str) -> str | None:
    """Why a hidden record has a tombstone, or None: a withdrawn record was public (by
    definition), and so was a third of the published ones now confidential or restricted;
    drafts and records in review never were (the feed must not name them)."""
    if status == PublicationStatus.WITHDRAWN:
        return TombstoneReason.WITHDRAWN
    if (
        status == PublicationStatus.PUBLISHED
        and confidentiality != Confidentiality.PUBLIC
        and rng.random() < 1 / 3
    ):
        return TombstoneReason.UNPUBLISHED
    return None


class Clock:
    """Record timestamps over the database's life (HISTORY_DAYS up to `now`): more records
    were created recently than long ago; most are edited soon after creation, a few much
    later. Offsets come from the seed; they are counted back from `now`, the time of the run.
    """

    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng, self.now = rng, now
        self.start = now - datetime.timedelta(days=HISTORY_DAYS)

    def created(self) -> datetime.datetime:
        return self.now - datetime.timedelta(days=HISTORY_DAYS * self.rng.random() ** 1.6)

    def edited(self, created: datetime.datetime) -> datetime.datetime:
        """The last edit of a record created at `created`: never after `now` (a stamp in
        the future would bring the record into every sync until then)."""
        if self.rng.random() < 0.45:  # not touched after the hour it was entered
            soon = datetime.timedelta(seconds=self.rng.uniform(1, 3600))
            return created + min(soon, (self.now - created) * self.rng.random())
        return created + (self.now - created) * self.rng.random() ** 3

    def after(self, moment: datetime.datetime, days: float) -> datetime.datetime:
        """Up to `days` after `moment`, never after `now`."""
        span = min(datetime.timedelta(days=days), self.now - moment)
        return moment + span * self.rng.random()

    def part(self, created: datetime.datetime, edited: datetime.datetime) -> datetime.datetime:
        """The last edit of a row shown with a record: with the record's edits, or (one in
        ten) later, on its own, which only the record's changed_at shows."""
        if self.rng.random() < 0.1:
            return self.edited(created)
        return created + (edited - created) * self.rng.random()

    def before_start(self) -> datetime.datetime:
        """Actors and sources: entered in the year before the first incident that names
        them, so that no change of theirs postdates an incident's changed_at."""
        return self.start - datetime.timedelta(days=365 * self.rng.random())


@dataclass
class DemoActor:
    pk: int
    name: str
    kind: str
    public: bool
    visibility: tuple[str, str]  # publication status, confidentiality


@dataclass
class Result:
    incidents: int = 0
    actors: int = 0
    sources: int = 0
    actions: int = 0
    tombstones: int = 0
    rows: int = 0  # every row written, all tables


class IdBlock:
    """Ids taken from a table's sequence ahead of a COPY, so child rows can refer to them.

    Reserve before the COPY starts: the connection runs no other query during a COPY.
    """

    def __init__(self, table: str):
        self.table, self.ids = table, []

    def reserve(self, count: int) -> None:
        if len(self.ids) >= count:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.table, count - len(self.ids)],
            )
            self.ids = sorted(self.ids + [row[0] for row in cursor.fetchall()], reverse=True)

    def next(self) -> int:
        return self.ids.pop()


@dataclass
class ReferenceData:
    country_names: dict[str, str]  # as stored: an existing State keeps its own name
    provisions: list[int]
    categories: list[int]
    crimes: list[int]  # provisions of war crimes and genocide: what charges are on


def ensure_reference_data() -> ReferenceData:
    """States, instruments, provisions and categories: reused if present, else created."""
    State.objects.bulk_create(
        [State(code=code, name=name) for code, name, *_ in COUNTRIES], ignore_conflicts=True
    )
    codes = [code for code, *_ in COUNTRIES]
    country_names = dict(State.objects.filter(code__in=codes).values_list("code", "name"))
    missing = set(codes) - set(country_names)
    if missing:  # a State with the same name under another code blocks ours
        raise ValueError(f"Could not create the states {sorted(missing)}.")
    provisions, crimes = [], []
    for slug, title, short_title, kind, labels, rule_kind in INSTRUMENTS:
        instrument, _ = Instrument.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "short_title": short_title,
                "kind": kind,
                "publication_status": PublicationStatus.PUBLISHED,
            },
        )
        for position, label in enumerate(labels.split("; ")):
            provision, _ = Provision.objects.get_or_create(
                instrument=instrument,
                label=label,
                defaults={"rule_kind": rule_kind, "position": position},
            )
            provisions.append(provision.pk)
            if rule_kind in {RuleKind.WAR_CRIME, RuleKind.GENOCIDE}:
                crimes.append(provision.pk)
    categories = []
    for parent_name, children in CATEGORIES.items():
        parent, _ = ViolationCategory.objects.get_or_create(
            slug=slugify_ascii(parent_name), defaults={"name": parent_name}
        )
        for child in children:
            category, _ = ViolationCategory.objects.get_or_create(
                slug=slugify_ascii(child), defaults={"name": child, "parent": parent}
            )
            categories.append(category.pk)
    return ReferenceData(country_names, provisions, categories, crimes)


def subdivisions(code: str, count: int) -> list[str]:
    if code == "UA":
        return [f"UA-{n}" for n in UKRAINE_OBLASTS]
    return [f"{code}-{n:02d}" for n in range(1, count + 1)]


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


STATE_ORGANS = [
    "Ministry of Defence",
    "National Guard",
    "Security Service",
    "Military Prosecutor's Office",
    "Border Guard Service",
]


def actor_name(rng: random.Random, places: list[str], state_name: str, state: str):
    """A name, its kind and its other names (name, language, kind) for one synthetic actor."""
    roll = rng.random()
    if roll < 0.45:
        if rng.random() < 0.6:
            first = rng.choice(CYRILLIC_FIRST)
            last = rng.choice(CYRILLIC_ROOTS) + rng.choice(CYRILLIC_SUFFIXES)
            language = rng.choice(["uk", "ru"])
            name = f"{transliterate(first)} {transliterate(last)}"
            return name, ActorKind.PERSON, [(f"{first} {last}", language, "native")]
        last = rng.choice(places)
        others = [(last, "", "alias")] if rng.random() < 0.3 else []
        return f"{rng.choice(LATIN_FIRST)} {last}", ActorKind.PERSON, others
    if roll < 0.70:
        number = rng.randint(1, 250)
        english, russian = rng.choice(UNIT_TYPES)
        others = [(f"{number}-я {russian}", "ru", "native")] if state in {"RU", "UA", "BY"} else []
        return f"{ordinal(number)} {english}", ActorKind.ARMED_UNIT, others
    if roll < 0.82:
        name = f"{rng.choice(places)} {rng.choice(GROUP_NOUNS).replace('-', ' ')}"
        return name, ActorKind.ARMED_GROUP, []
    if roll < 0.90:
        return f"{rng.choice(STATE_ORGANS)} of {state_name}", ActorKind.STATE_ORGAN, []
    if roll < 0.97:
        name = f"{rng.choice(places)} {rng.choice(ORG_NOUNS).replace('-', ' ')}"
        return name, ActorKind.ORGANISATION, []
    return f"District Court of {rng.choice(places)}", ActorKind.COURT, []


def create_actors(
    rng: random.Random, places: list[str], reference: ReferenceData, count: int
) -> list[DemoActor]:
    """People (most with a Cyrillic name), units, groups, state organs, NGOs and courts."""
    pairs: list[tuple[Actor, list[tuple[str, str, str]]]] = []
    for _ in range(count):
        status, confidentiality = visibility(rng)
        state = rng.choice(COUNTRIES)[0]
        name, kind, others = actor_name(rng, places, reference.country_names[state], state)
        actor = Actor(
            name=name,
            kind=kind,
            state_id=state,
            publication_status=status,
            confidentiality=confidentiality,
            withdrawal_reason=withdrawal_reason(rng, status),
        )
        pairs.append((actor, others))
    Actor.objects.bulk_create([actor for actor, _ in pairs], batch_size=2000)
    other_names = [
        ActorName(actor=actor, name=name, language=language, kind=kind)
        for actor, others in pairs
        for name, language, kind in others
        if name != actor.name
    ]
    ActorName.objects.bulk_create(other_names, batch_size=2000)
    return [
        DemoActor(
            pk=actor.pk,
            name=actor.name,
            kind=actor.kind,
            public=actor.is_public,
            visibility=(actor.publication_status, actor.confidentiality),
        )
        for actor, _ in pairs
    ]


def create_sources(
    rng: random.Random, writer: Writer, count: int
) -> list[tuple[int, tuple[str, str]]]:
    """Sources, and the (publication status, confidentiality) of each by id."""
    sources = []
    for number in range(count):
        status, confidentiality = visibility(rng, restricted_share=0.02)
        sources.append(
            Source(
                kind=rng.choice(SourceKind.values),
                title=writer.title([], rng.choice(writer.v.places)),
                publisher=rng.choice(PUBLISHERS).replace("-", " "),
                published_on=FIRST_DAY + datetime.timedelta(days=rng.randint(0, 13000)),
                url=f"https://example.org/demo/{rng.getrandbits(40):x}/{number}",
                language=rng.choice(["en", "en", "en", "uk", "ru", "ar", "fr"]),
                reliability=rng.choice(Reliability.values),
                publication_status=status,
                confidentiality=confidentiality,
                withdrawal_reason=withdrawal_reason(rng, status),
            )
        )
    Source.objects.bulk_create(sources, batch_size=2000)
    return [(s.pk, (s.publication_status, s.confidentiality)) for s in sources]


INCIDENT_COLUMNS = (
    "id, created_at, updated_at, publication_status, confidentiality, withdrawal_reason, "
    "title, summary, description, date, date_earliest, date_latest, country_id, subdivision, "
    "place_name, latitude, longitude, coordinate_precision, controlling_power_id, "
    "conflict_type, verification_status, search_names, changed_at"
)
# Written in this order, after the incidents: actions before the rows that refer to them.
CHILD_TABLES = {
    "actions": "cases_accountabilityaction (id, created_at, updated_at, changed_at, "
    "publication_status, confidentiality, withdrawal_reason, kind, title, issuing_body_id, "
    "reference, applied_on, issued_on, announced_on, seal_status, status, summary, description)",
    "categories": "cases_incident_categories (incident_id, violationcategory_id)",
    "involvements": "cases_involvement (id, incident_id, actor_id, role, confidence, note, "
    "created_at, updated_at)",
    "qualifications": "cases_legalqualification (id, incident_id, provision_id, asserted_by_id, "
    "asserted_on, standing, note, created_at, updated_at)",
    "victim_counts": 'cases_victimcount (incident_id, kind, minimum, maximum, "group")',
    "action_incidents": "cases_accountabilityaction_incidents "
    "(accountabilityaction_id, incident_id)",
    "action_subjects": "cases_actionsubject (action_id, actor_id, note)",
    "charges": "cases_charge (action_id, subject_id, provision_id, description, crime_period, "
    "crime_period_start, crime_period_end, created_at, updated_at)",
    "citations": "cases_citation (source_id, pinpoint, quote, incident_id, involvement_id, "
    "legal_qualification_id, action_id, created_at, updated_at)",
}
PERPETRATOR_ROLES = [
    (InvolvementRole.DIRECT_PERPETRATOR, 5),
    (InvolvementRole.ORDERING, 2),
    (InvolvementRole.SUPERIOR, 2),
    (InvolvementRole.FACILITATOR, 1),
    (InvolvementRole.CONTROLLING_AUTHORITY, 1),
    (InvolvementRole.OTHER, 1),
]


def skewed_index(rng: random.Random, size: int) -> int:
    """An index into a list, low indices far more often: a few actors recur a lot."""
    return int(size * rng.random() ** 2.5)


def actions_for(incidents: int) -> int:
    """How many actions a batch of `incidents` gets (at least one)."""
    return max(1, round(incidents * ACTIONS_PER_INCIDENT))


def batch_sizes(incidents: int) -> list[int]:
    return [min(BATCH_SIZE, incidents - done) for done in range(0, incidents, BATCH_SIZE)]


@dataclass
class DraftIncident:
    """An incident built but not yet written: its actions (and so its search names and its
    changed_at) are decided after the whole batch is built."""

    pk: int
    fields: tuple  # the row up to search_names
    naming: Naming
    created: datetime.datetime
    updated: datetime.datetime
    changed: datetime.datetime  # its own last edit, or a later one of a row shown with it
    date: str
    earliest: datetime.date | None
    latest: datetime.date | None
    place: str
    actors: list[DemoActor]
    provisions: list[int]
    actions: list[int] = field(default_factory=list)


class Generator:
    def __init__(self, *, seed: int, incidents: int):
        self.rng = random.Random(seed)
        self.count = incidents
        self.vocabulary = Vocabulary.build(self.rng)
        self.writer = Writer(self.vocabulary)
        self.now = timezone.now()
        self.clock = Clock(self.rng, self.now)
        tables = ("cases_incident", "cases_involvement", "cases_legalqualification")
        self.ids = {table: IdBlock(table) for table in tables}
        self.ids["cases_accountabilityaction"] = IdBlock("cases_accountabilityaction")
        self.country_weights = Zipf([c[0] for c in COUNTRIES], exponent=1.0)
        self.country = {c[0]: c for c in COUNTRIES}
        self.subdivisions = {c[0]: subdivisions(c[0], c[4]) for c in COUNTRIES}
        # (resource, id, reason, removed_at) of the records that were public and are not.
        self.tombstones: list[tuple[str, int, str, datetime.datetime]] = []

    def setup(self) -> Result:
        self.reference = ensure_reference_data()
        self.crime_set = set(self.reference.crimes)
        n_actors = min(4000, max(60, self.count // 25))
        actors = create_actors(self.rng, self.vocabulary.places, self.reference, n_actors)
        issuers = Actor.objects.bulk_create(
            Actor(
                name=name,
                kind=kind,
                publication_status=PublicationStatus.PUBLISHED,
                confidentiality=Confidentiality.PUBLIC,
            )
            for name, kind in ISSUERS
        )
        self.perpetrators = [a for a in actors if a.kind not in {"organisation", "court"}]
        self.assessors = [a for a in actors if a.kind in {"organisation", "court"}]
        self.issuers = [issuer.pk for issuer in issuers] + [a.pk for a in self.assessors]
        sources = create_sources(self.rng, self.writer, min(5000, max(30, self.count // 20)))
        self.sources = [pk for pk, _ in sources]
        self.stamp(
            "cases_actor",
            "actors",
            [(a.pk, a.visibility) for a in actors]
            + [(i.pk, (i.publication_status, i.confidentiality)) for i in issuers],
        )
        self.stamp("cases_source", "sources", sources)
        # The public names search names are made of, read now: no query runs during a COPY.
        # Actions are written with the incidents: their names are added as they are built.
        self.names = Names.load(
            countries=self.reference.country_names,
            actors=[actor.pk for actor in actors],
            provisions=self.reference.provisions,
            categories=self.reference.categories,
        )
        # All ids up front: batches are written by another thread while the next is built.
        # The ids of "deleted" records are taken first and never written: gaps, as deletes
        # leave, each with its tombstone.
        n_actions = sum(actions_for(size) for size in batch_sizes(self.count))
        for table, resource, count in (
            ("cases_incident", "incidents", self.count),
            ("cases_accountabilityaction", "actions", n_actions),
        ):
            deleted = max(1, round(count * DELETED_SHARE))
            self.ids[table].reserve(count + deleted)
            for _ in range(deleted):
                removed_at = self.clock.edited(self.clock.created())
                self.tombstones.append(
                    (resource, self.ids[table].next(), TombstoneReason.DELETED, removed_at)
                )
        self.ids["cases_involvement"].reserve(self.count * MAX_INVOLVEMENTS)
        self.ids["cases_legalqualification"].reserve(self.count * MAX_QUALIFICATIONS)
        return Result(actors=len(actors) + len(issuers), sources=len(self.sources))

    def stamp(self, table: str, resource: str, records: list[tuple[int, tuple[str, str]]]) -> None:
        """Created and last edited before the incidents; tombstones of the hidden ones that
        were public. One UPDATE (bulk_create leaves auto_now's time of the run)."""
        ids, created, updated = [], [], []
        for pk, (status, confidentiality) in records:
            ids.append(pk)
            created.append(self.clock.before_start())
            updated.append(created[-1] + (self.clock.start - created[-1]) * self.rng.random())
            reason = removal(self.rng, status, confidentiality)
            if reason:
                self.tombstones.append((resource, pk, reason, updated[-1]))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} t SET created_at = s.created, updated_at = s.updated, "
                "changed_at = s.updated FROM unnest(%s::bigint[], %s::timestamptz[], "
                "%s::timestamptz[]) AS s(id, created, updated) WHERE t.id = s.id",
                [ids, created, updated],
            )

    def batch(self, size: int) -> tuple[list[tuple], dict[str, list[tuple]]]:
        """The rows of `size` incidents, of their actions and of both's child tables; no
        database access."""
        children: dict[str, list[tuple]] = {name: [] for name in CHILD_TABLES}
        drafts = [self.incident(children) for _ in range(size)]
        for _ in range(actions_for(size)):
            self.action(drafts, children)
        rows = []
        for draft in drafts:
            naming = dataclasses.replace(draft.naming, actions=draft.actions)
            rows.append((*draft.fields, self.names.text(naming), draft.changed))
        return rows, children

    def incident(self, children: dict[str, list[tuple]]) -> DraftIncident:
        rng, clock = self.rng, self.clock
        pk = self.ids["cases_incident"].next()
        status, confidentiality = visibility(rng)
        created = clock.created()
        updated = changed = clock.edited(created)
        reason = removal(rng, status, confidentiality)
        if reason:
            self.tombstones.append(("incidents", pk, reason, updated))
        date, earliest, latest = random_edtf(rng)
        code = self.country_weights(rng)
        _, _, lat, lon, _ = self.country[code]
        subdivision = rng.choice(self.subdivisions[code]) if rng.random() < 0.85 else ""
        place = self.vocabulary.slots["P"](rng)
        latitude = longitude = None
        precision = ""
        if rng.random() < 0.6:
            latitude = round(lat + rng.uniform(-2, 2), 5)
            longitude = round(lon + rng.uniform(-2, 2), 5)
            precision = rng.choice(["exact", "near", "settlement", "settlement", "district"])
        elif subdivision:
            precision = CoordinatePrecision.REGION
        controlling_power, conflict = None, rng.choice(ConflictType.values)
        if code == "UA" and rng.random() < 0.3:
            controlling_power, conflict = "RU", ConflictType.OCCUPATION

        def part_time() -> datetime.datetime:
            nonlocal changed
            edited = clock.part(created, updated)
            changed = max(changed, edited)
            return edited

        # Involvements: distinct actors, so (incident, actor, role) stays unique.
        involved: list[tuple[int, DemoActor]] = []
        for _ in range(rng.randint(1, MAX_INVOLVEMENTS)):
            actor = self.perpetrators[skewed_index(rng, len(self.perpetrators))]
            if any(actor.pk == other.pk for _, other in involved):
                continue
            involvement = self.ids["cases_involvement"].next()
            involved.append((involvement, actor))
            children["involvements"].append(
                (
                    involvement,
                    pk,
                    actor.pk,
                    weighted(rng, PERPETRATOR_ROLES),
                    rng.choice(AttributionConfidence.values),
                    "",
                    created,
                    part_time(),
                )
            )
        qualified: list[tuple[int, int]] = []
        for provision in rng.sample(
            self.reference.provisions, rng.choice((0, 1, 1, 2, MAX_QUALIFICATIONS))
        ):
            qualification = self.ids["cases_legalqualification"].next()
            qualified.append((qualification, provision))
            asserted_by = rng.choice(self.assessors).pk if rng.random() < 0.6 else None
            asserted_on = None
            if earliest:
                asserted_on = min(LAST_DAY, earliest + datetime.timedelta(days=rng.randint(5, 900)))
            children["qualifications"].append(
                (
                    qualification,
                    pk,
                    provision,
                    asserted_by,
                    asserted_on,
                    weighted(
                        rng, [(Standing.ALLEGED, 8), (Standing.CHARGED, 1), (Standing.FOUND, 1)]
                    ),
                    "",
                    created,
                    part_time(),
                )
            )
        categories = rng.sample(self.reference.categories, rng.randint(1, 3))
        for category in categories:
            children["categories"].append((pk, category))
        for _ in range(rng.choice((0, 1, 1, 2))):
            minimum = rng.choice((None, rng.randint(1, 50), rng.randint(1, 5000)))
            maximum = None if rng.random() < 0.5 else (minimum or 0) + rng.randint(0, 200)
            if minimum is None and maximum is None:
                minimum = rng.randint(1, 20)
            group = plain(rng.choice(VICTIM_GROUPS))
            children["victim_counts"].append(
                (pk, rng.choice(VictimCount.Kind.values), minimum, maximum, group)
            )

        public_actors = [actor for _, actor in involved if actor.public]
        names = [actor.name for actor in public_actors]
        for _ in range(rng.randint(1, 3)):
            target = [pk, None, None]
            roll = rng.random()
            if roll < 0.2 and involved:
                target = [None, rng.choice(involved)[0], None]
            elif roll < 0.35 and qualified:
                target = [None, None, rng.choice(qualified)[0]]
            source = self.sources[skewed_index(rng, len(self.sources))]
            pinpoint = rng.choice(("para. {}", "p. {}", "§ {}", "00:{:02d}:14")).format(
                rng.randint(1, 59)
            )
            quote = self.writer.fill(rng.choice(self.writer.sentences), names, place)
            children["citations"].append(
                (source, pinpoint, quote, *target, None, created, part_time())
            )

        fields = (
            pk,
            created,
            updated,
            status,
            confidentiality,
            withdrawal_reason(rng, status),
            self.writer.title(names, place),
            self.writer.summary(names, place),
            self.writer.description(names, place),
            date,
            earliest,
            latest,
            code,
            subdivision,
            place,
            latitude,
            longitude,
            precision,
            controlling_power,
            conflict,
            weighted(
                rng,
                [
                    (VerificationStatus.ALLEGED, 4),
                    (VerificationStatus.CORROBORATED, 3),
                    (VerificationStatus.VERIFIED, 2),
                    (VerificationStatus.ADJUDICATED, 1),
                    (VerificationStatus.DISPUTED, 1),
                ],
            ),
        )
        naming = Naming(
            place_name=place,
            subdivision=subdivision,
            country_id=code,
            actors=[actor.pk for _, actor in involved],
            provisions=[provision for _, provision in qualified],
            categories=categories,
        )
        return DraftIncident(
            pk=pk,
            fields=fields,
            naming=naming,
            created=created,
            updated=updated,
            changed=changed,
            date=date,
            earliest=earliest,
            latest=latest,
            place=place,
            actors=[actor for _, actor in involved],
            provisions=[provision for _, provision in qualified],
        )

    def action(self, drafts: list[DraftIncident], children: dict[str, list[tuple]]) -> None:
        """One accountability action on 1-4 incidents of the batch, with subjects (actors of
        those incidents), charges (on their crimes) and a citation.

        Stamps as the triggers would: the link stamps both sides, an action's own edit its
        incidents, an incident's own edit its actions; changes of the action's parts stamp
        the action only."""
        rng, clock = self.rng, self.clock
        pk = self.ids["cases_accountabilityaction"].next()
        kind, _, reference, personal = weighted(rng, [(entry, entry[1]) for entry in ACTION_KINDS])
        status, confidentiality = visibility(rng)
        linked = rng.sample(drafts, min(len(drafts), rng.randint(1, MAX_ACTION_INCIDENTS)))
        created = clock.after(max(d.created for d in linked), days=30)
        updated = changed = clock.edited(created)
        reason = removal(rng, status, confidentiality)
        if reason:
            self.tombstones.append(("actions", pk, reason, updated))

        # Subjects: actors of its incidents (people first), distinct; some actions none.
        subjects: list[DemoActor] = []
        if personal:
            candidates = list({a.pk: a for d in linked for a in d.actors}.values())
            candidates.sort(key=lambda a: (a.kind != ActorKind.PERSON, a.pk))
            subjects = candidates[: rng.randint(1, 3)]
        for subject in subjects:
            children["action_subjects"].append((pk, subject.pk, ""))

        # Dates: issued after its incidents, applied before, announced at issue or later.
        known = [d.earliest for d in linked if d.earliest]
        base = max(known) if known else FIRST_DAY + datetime.timedelta(days=rng.randint(0, 12000))
        issued = min(LAST_DAY, base + datetime.timedelta(days=rng.randint(30, 1500)))
        applied = issued - datetime.timedelta(days=rng.randint(5, 120)) if personal else None
        seal = weighted(rng, SEALS) if kind == ActionKind.ARREST_WARRANT else SealStatus.PUBLIC
        public = status == PublicationStatus.PUBLISHED and confidentiality == Confidentiality.PUBLIC
        if seal == SealStatus.UNDER_SEAL and public:  # a sealed warrant is not published
            seal = SealStatus.UNSEALED
        announced = {
            SealStatus.PUBLIC: issued,
            SealStatus.UNSEALED: min(LAST_DAY, issued + datetime.timedelta(rng.randint(10, 400))),
            SealStatus.UNDER_SEAL: None,
        }[seal]
        state = weighted(rng, ACTION_STATUSES)
        if applied and rng.random() < 0.08:  # applied for, not issued yet
            state, issued, announced, seal = ActionStatus.PENDING, None, None, SealStatus.PUBLIC

        # Charges: on the crimes its incidents are qualified as, else on a war crime.
        crimes = [p for d in linked for p in d.provisions if p in self.crime_set]
        for subject in subjects or [None]:
            count = rng.randint(1, 2)
            pool = list(dict.fromkeys(crimes)) or self.reference.crimes
            for provision in rng.sample(pool, min(count, len(pool))):
                period = min(linked, key=lambda d: d.earliest or LAST_DAY)
                edited = clock.part(created, updated)
                changed = max(changed, edited)
                children["charges"].append(
                    (
                        pk,
                        subject.pk if subject else None,
                        provision,
                        "",
                        period.date,
                        period.earliest,
                        period.latest,
                        created,
                        edited,
                    )
                )

        # Text names only public subjects: a public record never shows a hidden one's name.
        shown = [s.name for s in subjects if s.public]
        place = linked[0].place
        label = ActionKind(kind).label
        title = (
            f"{label} against {' and '.join(shown[:2])} over {place}"
            if shown
            else f"{label} on {plain(self.vocabulary.word('L'))} in {place}"
        )
        reference = reference.format(year=f"{(issued or applied or base).year % 100:02d}")
        reference = f"{reference}-{rng.randint(1, 999):03d}"
        summary = self.writer.summary(shown, place)
        description = " ".join(self.writer.sentences_until(80, 140, shown, place))
        source = self.sources[skewed_index(rng, len(self.sources))]
        children["citations"].append(
            (source, f"para. {rng.randint(1, 90)}", "", None, None, None, pk, created, created)
        )

        for draft in linked:
            draft.actions.append(pk)
            children["action_incidents"].append((pk, draft.pk))
            draft.changed = max(draft.changed, created, updated)
            changed = max(changed, draft.updated)
        children["actions"].append(
            (
                pk,
                created,
                updated,
                changed,
                status,
                confidentiality,
                withdrawal_reason(rng, status),
                kind,
                title[:300],
                rng.choice(self.issuers),
                reference,
                applied,
                issued,
                announced,
                seal,
                state,
                summary,
                description,
            )
        )
        if public:
            self.names.actions[pk] = Names.action_text(reference, title[:300])

    def write_tombstones(self) -> int:
        Tombstone.objects.bulk_create(
            (
                Tombstone(resource=resource, object_id=str(pk), reason=reason, removed_at=at)
                for resource, pk, reason, at in sorted(self.tombstones, key=lambda t: t[3])
            ),
            batch_size=2000,
        )
        return len(self.tombstones)


def copy_batch(database, rows: list[tuple], children: dict[str, list[tuple]]) -> int:
    """COPY one batch: incidents first, then the rows that refer to them."""
    with database.cursor() as cursor:
        with cursor.copy(f"COPY cases_incident ({INCIDENT_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        for name, table in CHILD_TABLES.items():
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in children[name]:
                    copy.write_row(row)
    return len(rows) + sum(len(rows) for rows in children.values())


def generate(
    *, incidents: int, seed: int = 0, progress: Callable[[int], None] | None = None
) -> Result:
    """Append `incidents` synthetic incidents (and their actions, actors and sources, and
    tombstones of records that were public); all or nothing.

    Python builds batch k+1 while a second thread COPYs batch k on the same connection
    (and transaction): the database's work (mostly the search vector) overlaps ours.
    The sync triggers (migration 0010) are off for the transaction: it writes its own
    varied changed_at and tombstones, as the triggers would have (see Generator.action).
    """
    if incidents < 1:
        raise ValueError("incidents must be at least 1")
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A large GIN pending list turns 100,000 index insertions into a few bulk merges
            # (twice as fast); the list is merged into the index at the end.
            cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL ihl.sync_stamps = 'off'")
        generator = Generator(seed=seed, incidents=incidents)
        result = generator.setup()
        result.rows = result.actors + result.sources
        database = connection.connection  # psycopg's own: usable from the copying thread
        with ThreadPoolExecutor(max_workers=1) as pool:
            writing: Future | None = None
            done = 0
            for size in batch_sizes(incidents):
                rows, children = generator.batch(size)
                if writing:
                    result.rows += writing.result()
                    if progress:
                        progress(BATCH_SIZE)
                writing = pool.submit(copy_batch, database, rows, children)
                result.actions += len(children["actions"])
                done += size
            result.rows += writing.result()
            if progress:
                progress(size)
        result.incidents = done
        result.tombstones = generator.write_tombstones()
        result.rows += result.tombstones
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('incident_search_idx'::regclass)")
    return result
