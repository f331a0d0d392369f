"""The invariants hold in the database itself, whatever code writes the row."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cases.models import (
    Citation,
    Incident,
    Instrument,
    Provision,
    SourceCapture,
    State,
    StateRelation,
    TreatyEvent,
    TreatyEventKind,
    VictimCount,
)
from tests.factories import (
    AccountabilityActionFactory,
    ActorFactory,
    CitationFactory,
    IncidentFactory,
    InstrumentFactory,
    InvolvementFactory,
    ProvisionFactory,
    SourceFactory,
    StateFactory,
    TreatyEventFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def rejected(constraint_name: str):
    """The database refuses the write, naming the constraint."""
    return pytest.raises(IntegrityError, match=constraint_name)


def update(obj, **values):
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(**values)


def test_provision_label_is_unique_within_its_instrument():
    provision = ProvisionFactory(label="art. 49")
    ProvisionFactory(label="art. 49")  # another instrument: fine
    with rejected("provision_label_unique_in_instrument"), transaction.atomic():
        Provision.objects.create(instrument=provision.instrument, label="art. 49")


def test_incident_period_cannot_end_before_it_starts():
    incident = IncidentFactory(date="2022-02-24")
    with rejected("incident_date_order"):
        update(incident, date_earliest=D(2022, 3, 1), date_latest=D(2022, 2, 1))


def test_subdivision_must_lie_in_the_incident_country():
    incident = IncidentFactory(subdivision="UA-23")
    assert incident.country_id == "UA"
    with rejected("incident_subdivision_in_country"):
        update(incident, subdivision="RU-MOW")
    with rejected("incident_subdivision_in_country"):
        update(incident, subdivision="UA23")


def test_coordinates_come_in_pairs_with_a_precision():
    incident = IncidentFactory()
    with rejected("incident_coordinates_valid"):
        update(incident, latitude=47.8, coordinate_precision="settlement")
    with rejected("incident_coordinates_valid"):
        update(incident, latitude=95, longitude=35.1, coordinate_precision="settlement")
    with rejected("incident_coordinates_have_precision"):
        update(incident, latitude=47.8, longitude=35.1)
    update(incident, latitude=47.8, longitude=35.1, coordinate_precision="settlement")


def test_nothing_is_its_own_parent():
    incident = IncidentFactory()
    with rejected("incident_not_own_parent"):
        update(incident, parent=incident)
    provision = ProvisionFactory()
    with rejected("provision_not_own_parent"):
        update(provision, parent=provision)


def test_victim_count_is_an_ordered_range():
    incident = IncidentFactory()
    with rejected("victim_count_range_order"), transaction.atomic():
        VictimCount.objects.create(incident=incident, kind="deported", minimum=100, maximum=10)
    with rejected("victim_count_has_a_number"), transaction.atomic():
        VictimCount.objects.create(incident=incident, kind="deported")
    VictimCount.objects.create(incident=incident, kind="deported", minimum=6000)


def test_citation_backs_exactly_one_claim():
    citation = CitationFactory()
    with rejected("citation_exactly_one_target"):
        update(citation, action=AccountabilityActionFactory())
    with rejected("citation_exactly_one_target"), transaction.atomic():
        Citation.objects.create(source=citation.source)


def test_capture_needs_a_location_and_a_well_formed_hash():
    source = SourceFactory()
    captured_at = datetime.datetime(2023, 3, 17, 12, tzinfo=datetime.UTC)
    with rejected("capture_has_url_or_file"), transaction.atomic():
        SourceCapture.objects.create(source=source, captured_at=captured_at)
    with rejected("capture_sha256_is_hex"), transaction.atomic():
        SourceCapture.objects.create(
            source=source,
            captured_at=captured_at,
            archive_url="https://web.archive.org/web/2023/https://www.icc-cpi.int/",
            sha256="not-a-hash",
        )


def test_state_codes_and_predecessors():
    with rejected("state_code_is_two_capitals"), transaction.atomic():
        State.objects.create(code="ua", name="Lowercase")
    ussr = StateFactory(code="SU", name="USSR")
    with rejected("state_predecessor_has_relation"), transaction.atomic():
        State.objects.create(code="RU", name="Russian Federation", predecessor=ussr)
    State.objects.create(
        code="RU",
        name="Russian Federation",
        predecessor=ussr,
        predecessor_relation=StateRelation.CONTINUATION,
    )


def test_treaty_acts_are_not_recorded_twice():
    event = TreatyEventFactory()
    with rejected("treaty_event_unique_act"), transaction.atomic():
        TreatyEvent.objects.create(
            state=event.state,
            instrument=event.instrument,
            kind=event.kind,
            deposited_on=event.deposited_on,
        )


def test_jurisdiction_scope_only_on_an_art_12_3_declaration():
    event = TreatyEventFactory(kind=TreatyEventKind.RATIFICATION)
    with rejected("treaty_event_jurisdiction_only_12_3"):
        update(event, jurisdiction_from=D(2014, 2, 20))
    declaration = TreatyEventFactory(
        kind=TreatyEventKind.JURISDICTION_DECLARATION, jurisdiction_from=D(2014, 2, 20)
    )
    with rejected("treaty_event_jurisdiction_order"):
        update(declaration, jurisdiction_to=D(2014, 1, 1))


def test_instrument_rule_needs_a_delay():
    with rejected("instrument_rule_has_delay"), transaction.atomic():
        InstrumentFactory(entry_into_force_delay=0)


def test_deleting_evidence_is_refused():
    citation = CitationFactory()
    with pytest.raises(ProtectedError):
        citation.source.delete()
    involvement = InvolvementFactory()
    with pytest.raises(ProtectedError):
        involvement.actor.delete()
    provision = ProvisionFactory()
    with pytest.raises(ProtectedError):
        Instrument.objects.filter(pk=provision.instrument_id).delete()


def test_deleting_an_incident_takes_its_own_rows_along():
    involvement = InvolvementFactory()
    citation = CitationFactory(incident=involvement.incident)
    involvement.incident.delete()
    assert not Incident.objects.exists()
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert ActorFactory._meta.model.objects.filter(pk=involvement.actor_id).exists()
