"""A small published world around the ICC warrant for Lvova-Belova, plus hidden records
whose every text field carries a marker string that must never reach a public page."""

import datetime
from types import SimpleNamespace

import pytest

from cases import models as m
from cases import services
from tests import factories as f
from tests.test_load_demo import clear_cases_tables

SECRET = "ZZSECRETMARKER"


def _hidden_text(name: str) -> str:
    return f"{SECRET} {name}"


# The languages a hidden record is translated into (its original is English): a page in
# one of them would show the translation where it shows the record (the crawl visits them).
HIDDEN_TRANSLATIONS = ("fr", "uk", "es", "ar")


def _hidden_translations(name: str, *fields: str, words: str = "") -> dict:
    """Every translation of `fields`, each with the marker and its language, and who
    translated it: `title_fr="ZZSECRETMARKER fr draft"`. `words` end the summaries, so that
    a search in that language would find them."""
    values = {}
    for code in HIDDEN_TRANSLATIONS:
        for field in fields:
            end = f" {words}" if words and field == "summary" else ""
            values[f"{field}_{code}"] = f"{SECRET} {code} {name}{end}"
        values[f"translated_by_{code}"] = f"{SECRET} translator {code} {name}"
    return values


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once per test module: it is several hundred rows with their history,
    and most tests only read it. Removed when the module is done."""
    with django_db_blocker.unblock():
        world = build_world()
        yield world
        clear_cases_tables()


@pytest.fixture
def world(built_world, db) -> SimpleNamespace:
    """The module's world, read afresh: a test's writes roll back with its transaction, and
    the instances it changes in memory are its own, not the next test's."""
    return SimpleNamespace(
        **{
            name: type(record)._default_manager.get(pk=record.pk)
            for name, record in vars(built_world).items()
        }
    )


def build_world() -> SimpleNamespace:
    ua = f.StateFactory(code="UA", name="Ukraine")
    su = f.StateFactory(code="SU", name="USSR")
    ru = f.StateFactory(
        code="RU", name="Russian Federation", predecessor=su, predecessor_relation="continuation"
    )
    gc4 = f.InstrumentFactory(
        published=True, slug="gc-iv", short_title="GC IV", title="Fourth Geneva Convention"
    )
    rome = f.InstrumentFactory(
        published=True,
        slug="rome-statute",
        short_title="Rome Statute",
        title="Rome Statute of the International Criminal Court",
        adopted_on=datetime.date(1998, 7, 17),
        entry_into_force_on=datetime.date(2002, 7, 1),
        entry_into_force_rule=m.EntryIntoForceRule.FIRST_OF_MONTH_AFTER_DAYS,
        entry_into_force_delay=60,
    )
    f.TreatyEventFactory(state=su, instrument=gc4, deposited_on=datetime.date(1954, 5, 10))
    f.TreatyEventFactory(state=ua, instrument=gc4, deposited_on=datetime.date(1954, 8, 3))
    f.TreatyEventFactory(
        state=ua,
        instrument=rome,
        kind=m.TreatyEventKind.RATIFICATION,
        deposited_on=datetime.date(2024, 10, 25),
    )
    art49 = f.ProvisionFactory(
        instrument=gc4,
        label="art. 49",
        heading="Deportations, transfers, evacuations",
        text="Individual or mass forcible transfers, as well as deportations of protected "
        "persons from occupied territory ... are prohibited, regardless of their motive.",
        rule_kind=m.RuleKind.PROHIBITION,
    )
    art8 = f.ProvisionFactory(
        instrument=rome,
        label="art. 8(2)(b)(viii)",
        heading="Deportation or transfer by the Occupying Power",
        rule_kind=m.RuleKind.WAR_CRIME,
    )
    crimes = f.ViolationCategoryFactory(
        slug="crimes-against-civilians", name="Crimes against civilians"
    )
    deportation = f.ViolationCategoryFactory(
        slug="deportation", name="Deportation or forcible transfer", parent=crimes
    )
    deportation.provisions.add(art49, art8)

    lvova = f.ActorFactory(published=True, name="Maria Lvova-Belova", kind=m.ActorKind.PERSON)
    m.ActorName.objects.create(actor=lvova, name="Мария Львова-Белова", language="ru")
    m.ActorName.objects.create(actor=lvova, name="Марія Львова-Бєлова", language="uk")
    russia = f.ActorFactory(
        published=True, name="Russian Federation", kind=m.ActorKind.STATE, state=ru
    )
    icc = f.ActorFactory(published=True, name="ICC Pre-Trial Chamber II", kind=m.ActorKind.COURT)

    incident = f.IncidentFactory(
        published=True,
        title="Deportation of children from occupied areas of Ukraine",
        summary="Children were deported from occupied areas of Ukraine to the Russian Federation.",
        description="At least hundreds of children were transferred from orphanages.",
        date="2022-02-24/2023-03-17",
        country=ua,
        controlling_power=ru,
        place_name="Mariupol",
        verification_status=m.VerificationStatus.ADJUDICATED,
    )
    incident.categories.add(deportation)
    f.InvolvementFactory(incident=incident, actor=lvova, role=m.InvolvementRole.DIRECT_PERPETRATOR)
    f.InvolvementFactory(
        incident=incident, actor=russia, role=m.InvolvementRole.CONTROLLING_AUTHORITY
    )
    qualification = f.LegalQualificationFactory(
        incident=incident, provision=art49, asserted_by=icc, standing=m.Standing.CHARGED
    )
    f.LegalQualificationFactory(incident=incident, provision=art8, asserted_by=icc)
    other = f.IncidentFactory(
        published=True,
        title="Shelling of a hospital",
        summary="A hospital was shelled.",
        date="2022-03-09",
        country=ua,
        place_name="Kharkiv",
        verification_status=m.VerificationStatus.VERIFIED,
    )
    warrant = f.AccountabilityActionFactory(
        published=True,
        title="Arrest warrant for Maria Lvova-Belova",
        reference="ICC-01/22",
        issuing_body=icc,
        summary="Warrant for the war crime of unlawful deportation of children.",
    )
    m.ActionSubject.objects.create(action=warrant, actor=lvova)
    warrant.incidents.add(incident)
    charge = f.ChargeFactory(action=warrant, provision=art8, subject=lvova)
    press = f.SourceFactory(
        published=True,
        title="ICC press release of 17 March 2023",
        publisher="International Criminal Court",
    )
    f.CitationFactory(source=press, incident=incident, pinpoint="para. 2")
    f.CitationFactory(source=press, incident=None, legal_qualification=qualification)
    f.CitationFactory(source=press, incident=None, action=warrant)
    sealed = f.ActionEventFactory(
        action=warrant,
        kind=m.ActionEventKind.ISSUED_UNDER_SEAL,
        occurred_on=datetime.date(2023, 3, 17),
        description="Issued by Pre-Trial Chamber II, under seal.",
    )
    f.CitationFactory(source=press, incident=None, action_event=sealed)

    hidden = _hidden_records(incident, warrant, art49, ru)
    services.refresh_search_names(incidents=m.Incident.objects.all())
    return SimpleNamespace(
        ua=ua,
        ru=ru,
        su=su,
        gc4=gc4,
        rome=rome,
        art49=art49,
        art8=art8,
        crimes=crimes,
        deportation=deportation,
        lvova=lvova,
        russia=russia,
        icc=icc,
        incident=incident,
        other=other,
        warrant=warrant,
        charge=charge,
        press=press,
        **hidden,
    )


def _hidden_records(incident, warrant, provision, state) -> dict:
    """Drafts, confidential, in-review and withdrawn records, each tied to public ones."""
    hidden = {}
    for label, traits in [
        ("draft", {}),
        ("confidential", {"published": True, "confidential": True}),
        ("review", {"publication_status": m.PublicationStatus.IN_REVIEW}),
        ("withdrawn", {"withdrawn": True}),
    ]:
        text = _hidden_text(label)
        actor = f.ActorFactory(name=text, description=text, **traits)
        m.ActorName.objects.create(actor=actor, name=f"{SECRET}alias{label}")
        hidden_incident = f.IncidentFactory(
            title=text,
            summary=f"{text} children deported Mariupol",
            description=text,
            place_name=text,
            country=incident.country,
            **_hidden_translations(
                label, "title", "summary", "description", words="enfants déportés Marioupol"
            ),
            **traits,
        )
        hidden_incident.categories.set(incident.categories.all())
        f.InvolvementFactory(incident=hidden_incident, actor=actor)
        f.InvolvementFactory(incident=incident, actor=actor, note=text)
        f.LegalQualificationFactory(incident=hidden_incident, provision=provision, note=text)
        f.LegalQualificationFactory(incident=incident, provision=provision, asserted_by=actor)
        action = f.AccountabilityActionFactory(
            title=text,
            summary=text,
            description=text,
            reference=text,
            **_hidden_translations(
                label, "title", "summary", "description", words="mandat d'arrêt enfants"
            ),
            **traits,
        )
        action.incidents.add(incident, hidden_incident)
        m.ActionSubject.objects.create(action=action, actor=actor, note=text)
        m.ActionSubject.objects.create(action=warrant, actor=actor, note=text)
        # Events: of a hidden action; of the public warrant about a hidden subject; a
        # public event's citation of a hidden source.
        f.ActionEventFactory(action=action, description=text)
        f.ActionEventFactory(
            action=warrant, kind=m.ActionEventKind.ARREST, subject=actor, description=text
        )
        source = f.SourceFactory(title=text, publisher=text, note=text, **traits)
        f.CitationFactory(source=source, incident=incident, quote=text, pinpoint=text)
        f.CitationFactory(
            source=source,
            incident=None,
            action_event=warrant.events.get(kind="issued_under_seal"),
            quote=text,
            pinpoint=text,
        )
        instrument = f.InstrumentFactory(
            title=text,
            short_title=f"{SECRET}{label}",
            summary=text,
            **_hidden_translations(label, "title", "short_title", "summary"),
            **({"publication_status": m.PublicationStatus.DRAFT}),
        )
        hidden_provision = f.ProvisionFactory(
            instrument=instrument,
            label=text,
            heading=text,
            text=text,
            **_hidden_translations(label, "heading", "text"),
        )
        f.LegalQualificationFactory(incident=incident, provision=hidden_provision, note=text)
        f.ChargeFactory(action=warrant, provision=hidden_provision, description=text)
        protected = f.ProtectedPersonFactory(pseudonym=f"{SECRET}-W{label}")
        protected.incidents.add(incident)
        hidden[f"hidden_{label}_incident"] = hidden_incident
        hidden[f"hidden_{label}_action"] = action
        hidden[f"hidden_{label}_actor"] = actor
        hidden[f"hidden_{label}_source"] = source
        hidden[f"hidden_{label}_instrument"] = instrument
    return hidden
