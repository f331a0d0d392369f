import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.edtf import edtf_bounds, edtf_in_words
from cases.models import Incident
from tests.factories import IncidentFactory

D = datetime.date


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("2022-02-24", (D(2022, 2, 24), D(2022, 2, 24))),
        ("2022-02-24/..", (D(2022, 2, 24), None)),  # open end: ongoing
        ("2022-02-24/", (D(2022, 2, 24), None)),  # unknown end
        ("../2014-02-22", (None, D(2014, 2, 22))),
        ("2022-05~", (D(2022, 5, 1), D(2022, 5, 31))),  # approximate
        ("2022?", (D(2022, 1, 1), D(2022, 12, 31))),  # uncertain
        ("2022-XX", (D(2022, 1, 1), D(2022, 12, 31))),  # unspecified month
        ("2022-21", (D(2022, 3, 1), D(2022, 5, 31))),  # spring 2022
        ("2022-10-10/2023-03-09", (D(2022, 10, 10), D(2023, 3, 9))),
        ("2024-02", (D(2024, 2, 1), D(2024, 2, 29))),
        ("", (None, None)),
    ],
)
def test_bounds(text, bounds):
    assert edtf_bounds(text) == bounds


@pytest.mark.parametrize(
    "text",
    ["2022-02-30", "2023-02-29", "2022-02-2X", "2022-13-01", "24/02/2022", "spring 2022", "x"],
)
def test_invalid_dates_are_rejected_with_an_example(text):
    with pytest.raises(ValidationError, match="not a valid EDTF date"):
        edtf_bounds(text)


def test_reversed_interval_is_rejected():
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        edtf_bounds("2022-03-10/2022-02-24")


@pytest.mark.django_db
def test_full_clean_names_the_field():
    incident = IncidentFactory.build(date="2022-02-30", country=None)
    with pytest.raises(ValidationError) as error:
        incident.full_clean()
    assert "not a valid EDTF date" in error.value.message_dict["date"][0]


@pytest.mark.django_db
def test_saving_keeps_the_bounds_in_step_with_the_text():
    incident = IncidentFactory(date="2022-05~")
    assert (incident.date_earliest, incident.date_latest) == (D(2022, 5, 1), D(2022, 5, 31))
    incident.date = "2023-03-17"
    incident.save()
    incident.refresh_from_db()
    assert (incident.date_earliest, incident.date_latest) == (D(2023, 3, 17), D(2023, 3, 17))


@pytest.mark.django_db
def test_bulk_create_fills_the_bounds_too():
    (incident,) = Incident.objects.bulk_create(
        [IncidentFactory.build(date="2019-XX", country=None)]
    )
    incident.refresh_from_db()
    assert (incident.date_earliest, incident.date_latest) == (D(2019, 1, 1), D(2019, 12, 31))


@pytest.mark.django_db
def test_overlapping_treats_open_ends_as_unbounded():
    ongoing = IncidentFactory(date="2022-02-24/..")
    earlier = IncidentFactory(date="2014-02-20/2014-03-18")
    undated = IncidentFactory(date="")
    found = set(Incident.objects.overlapping(D(2024, 1, 1), D(2024, 12, 31)))
    assert found == {ongoing}
    assert undated in Incident.objects.overlapping(None, None)
    assert earlier not in Incident.objects.overlapping(D(2015, 1, 1), None)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2022-02-24/..", "from 24 February 2022 onwards"),
        ("2022-02-24/", "from 24 February 2022 (end unknown)"),
        ("../2023-03-17", "until 17 March 2023"),
        ("2022-10-10/2023-03-09", "10 October 2022 – 9 March 2023"),
        ("2022-05~", "about May 2022"),
        ("2022-05?", "May 2022 (uncertain)"),
        ("2022-XX", "some month of 2022"),
        ("2022-05-XX", "some day of May 2022"),
        ("202X", "the 2020s"),
        ("2022", "2022"),
        ("2022-21", "2022-21"),  # a season: shown as reported
        ("", ""),
    ],
)
def test_reported_dates_in_words(text, words):
    assert edtf_in_words(text) == words


def test_pages_say_reported_dates_in_words(client, db):
    incident = IncidentFactory(title="Strikes", date="2022-10-10/2023-03-09", published=True)
    home = client.get("/").content.decode()
    assert "10 October 2022 – 9 March 2023" in home
    assert "2022-10-10/2023-03-09" not in home
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "10 October 2022 – 9 March 2023" in page
    assert "<code>2022-10-10/2023-03-09</code>" in page  # and as reported, for staff
    results = client.get("/search/", {"q": "strikes"}).content.decode()
    assert "10 October 2022 – 9 March 2023" in results
