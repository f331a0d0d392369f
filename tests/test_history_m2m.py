"""cases.models.base.History writes the link rows of a version's many-to-many fields with
the record that was saved, where django-simple-history rebuilds it from the version (a
query a save) and joins it to each link row again: the rows written must be the library's
own, for an incident's categories and an action's incidents."""

import pytest
from django.db.models.signals import post_save
from simple_history.models import HistoricalRecords

from cases.models.base import History
from tests import factories as f

pytestmark = pytest.mark.django_db


def recorder(model) -> History:
    """The History that records versions of `model` (it listens to its saves)."""
    receivers = post_save._live_receivers(model)[0]
    return next(r.__self__ for r in receivers if isinstance(getattr(r, "__self__", None), History))


def link_rows(version, field: str) -> list[tuple]:
    rows = getattr(version, field).all()
    names = [
        f.attname
        for f in rows.model._meta.concrete_fields
        if f.name not in ("m2m_history_id", "history")
    ]
    return sorted(tuple(getattr(row, n) for n in names) for row in rows)


@pytest.mark.parametrize(
    ("record", "field", "linked"),
    [
        (lambda: f.IncidentFactory(), "categories", lambda: f.ViolationCategoryFactory()),
        (lambda: f.AccountabilityActionFactory(), "incidents", lambda: f.IncidentFactory()),
    ],
)
def test_the_link_rows_written_are_the_librarys(record, field, linked):
    obj = record()
    getattr(obj, field).set([linked(), linked()])
    history = recorder(type(obj))
    versions = []
    for write in (
        HistoricalRecords.create_historical_record_m2ms,
        History.create_historical_record_m2ms,
    ):
        obj.save()  # a version, its link rows written by History
        version = obj.history.order_by("-history_id").first()
        getattr(version, field).all().delete()
        write(history, version, obj)
        versions.append(version)
    library, ours = (link_rows(v, field) for v in versions)
    assert len(ours) == 2
    assert ours == library
