"""A small public world for the API tests: an incident with everything a detail embeds."""

import datetime

from cases import models as m
from cases import services
from tests import factories as f


def public_incident(**kwargs) -> m.Incident:
    """A published incident with an actor, a qualification, an action and a citation."""
    instrument = kwargs.pop("instrument", None) or f.InstrumentFactory(published=True)
    incident = f.IncidentFactory(published=True, **kwargs)
    category = f.ViolationCategoryFactory()
    incident.categories.add(category)
    state = f.StateFactory(code="RU", name="Russian Federation")
    actor = f.ActorFactory(published=True, state=state, name=f"Official of {incident.title}")
    involvement = f.InvolvementFactory(incident=incident, actor=actor)
    provision = f.ProvisionFactory(instrument=instrument)
    qualification = f.LegalQualificationFactory(incident=incident, provision=provision)
    source = f.SourceFactory(published=True)
    f.CitationFactory(incident=incident, source=source, pinpoint="para. 12")
    f.CitationFactory(incident=None, involvement=involvement, source=source, pinpoint="p. 3")
    f.CitationFactory(
        incident=None, legal_qualification=qualification, source=source, pinpoint="para. 40"
    )
    action = f.AccountabilityActionFactory(published=True)
    action.incidents.add(incident)
    services.refresh_search_names(incidents=[incident.pk])
    return incident


def record_keys(incident: m.Incident) -> dict[str, object]:
    """A public record of each API resource, by the key of its URLs: the incident of
    public_incident() and the records it names."""
    provision = incident.legal_qualifications.get().provision
    return {
        "incidents": incident.pk,
        "actions": incident.actions.get().pk,
        "actors": incident.involvements.get().actor_id,
        "sources": incident.citations.get().source_id,
        "instruments": provision.instrument.slug,
        "provisions": provision.pk,
        "categories": incident.categories.get().slug,
        "states": "UA",
    }


def ratified(state: m.State, instrument: m.Instrument, on: datetime.date) -> m.TreatyEvent:
    return f.TreatyEventFactory(
        state=state, instrument=instrument, kind=m.TreatyEventKind.RATIFICATION, deposited_on=on
    )


def backdate_stamps(when) -> None:
    """Make every public-API record look last changed at `when` (changed_at is kept by the
    database; turning stamping off for the update is what a bulk loader does)."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ihl.sync_stamps = 'off'")
        for model in apps.get_app_config("cases").get_models():
            if any(field.name == "changed_at" for field in model._meta.concrete_fields):
                model.objects.update(changed_at=when)
        cursor.execute("SET LOCAL ihl.sync_stamps = 'on'")
