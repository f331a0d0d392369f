"""Model.validate_constraints() gives each check constraint only the fields its condition
names (cases.models.base.ChecksNamedFields). Its answer must be Django's own, which gives
every field: for rows that break each check and rows that keep them, with the fields a
form leaves out excluded or not."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from cases import models as m
from cases.models.base import ChecksNamedFields, _unnamed_fields


def checked_models() -> list:
    return [
        model
        for model in apps.get_app_config("cases").get_models()
        if any(isinstance(c, models.CheckConstraint) for c in model._meta.constraints)
    ]


def outcome(validate, instance, exclude):
    try:
        validate(instance, exclude=exclude)
    except ValidationError as error:
        return error.message_dict
    return None


def rows() -> list:
    """Rows breaking each check of the models an edit saves most, and rows keeping them."""
    own_parent = m.Incident(pk=5, title="Own parent", parent_id=5)
    dates = m.Incident(title="Dates")
    dates.date_earliest, dates.date_latest = "2022-03-01", "2022-02-01"
    return [
        m.Incident(title="Kept"),
        m.Incident(title="Coordinates", latitude=12, longitude=30, coordinate_precision="exact"),
        m.Incident(title="Out of range", latitude=100, longitude=0, coordinate_precision=""),
        m.Incident(title="No longitude", latitude=10),
        m.Incident(title="Subdivision", country_id="UA", subdivision="FR-75"),
        own_parent,
        dates,
        m.VictimCount(kind="killed"),
        m.VictimCount(kind="killed", minimum=5, maximum=2),
        m.VictimCount(kind="killed", minimum=2, maximum=5),
        m.Citation(source_id=1),
        m.Citation(source_id=1, incident_id=1, involvement_id=1),
        m.Citation(source_id=1, incident_id=1),
        *(model() for model in checked_models()),
    ]


def test_every_model_with_checks_gives_them_only_their_fields():
    for model in checked_models():
        assert issubclass(model, ChecksNamedFields), model


@pytest.mark.django_db
@pytest.mark.parametrize(
    "exclude",
    [None, set(), {"date_earliest", "date_latest"}, {"latitude"}, {"incident", "minimum"}],
)
def test_the_same_answer_as_django(exclude):
    broken = 0
    for row in rows():
        ours = outcome(type(row).validate_constraints, row, exclude)
        assert ours == outcome(models.Model.validate_constraints, row, exclude), row
        broken += ours is not None
    assert broken >= (7 if not exclude else 1)  # the rows above that break a check


def test_a_check_is_given_only_the_fields_it_names():
    check = next(c for c in m.Incident._meta.constraints if c.name == "incident_date_order")
    unnamed = _unnamed_fields(m.Incident, check)
    assert {"date_earliest", "date_latest"}.isdisjoint(unnamed)
    assert {"search_vector", "title_en", "pk", "id"} <= unnamed
