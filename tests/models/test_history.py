"""Versions of records whose many-to-many links change from the other side."""

from cases import models as m
from tests import factories as f


def linked_incidents(version) -> set[int]:
    return {link.incident_id for link in version.incidents.all()}


def test_unlinking_from_the_incident_records_a_version_of_the_action(db):
    incident, other = f.IncidentFactory(), f.IncidentFactory()
    action = f.AccountabilityActionFactory()
    action.incidents.add(incident, other)

    incident.actions.remove(action)

    latest = action.history.order_by("-history_id").first()
    assert linked_incidents(latest) == {other.pk}
    assert set(action.incidents.values_list("pk", flat=True)) == {other.pk}


def test_linking_and_clearing_from_the_incident_record_versions_of_each_action(db):
    incident = f.IncidentFactory()
    first, second = f.AccountabilityActionFactory(), f.AccountabilityActionFactory()

    incident.actions.add(first, second)
    assert all(
        linked_incidents(a.history.order_by("-history_id").first()) == {incident.pk}
        for a in (first, second)
    )

    incident.actions.clear()
    for action in (first, second):
        assert linked_incidents(action.history.order_by("-history_id").first()) == set()
    assert not m.AccountabilityAction.incidents.through.objects.exists()
