""" "Did you mean …" from the words of the public search documents, with and without
fuzzystrmatch (the embedded PostgreSQL has neither it nor pg_trgm)."""

import pytest
from django.core.management import call_command
from django.db import connection

from cases import models as m
from cases import search as search_module
from cases import services
from tests import factories as f


@pytest.fixture(params=["fuzzystrmatch", "python"])
def ranking(request, world):
    """Each test runs with the distance in SQL and with the bounded ranking in Python."""
    with connection.cursor() as cursor:
        if request.param == "fuzzystrmatch":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
        else:
            cursor.execute("DROP EXTENSION IF EXISTS fuzzystrmatch")
    assert search_module.has_fuzzystrmatch() == (request.param == "fuzzystrmatch")
    call_command("refresh_search_words", verbosity=0)
    return request.param


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("deportaton", "deportation"),
        ("childern", "children"),
        ("deportaton of childern", "deportation of children"),
        ("Lvova-Bleova", "Lvova-Belova"),  # capitals kept as typed
        ("CHILDERN", "CHILDREN"),
    ],
)
def test_a_misspelled_word_gets_the_public_word_it_meant(client, ranking, typed, meant):
    response = search(client, q=typed)
    assert response.context["results"].total == 0
    assert response.context["did_you_mean"] == meant
    html = " ".join(response.content.decode().split())
    assert "Did you mean" in html
    assert f">{meant}</a>" in html
    # the suggestion, followed, finds the incident
    found = search(client, q=meant).context["results"]
    assert found.total >= 1


def test_no_plausible_word_no_suggestion(client, ranking):
    for typed in ("xqzvbnmwk", "zzzz", "deportation -childern xqzvbnmwk"):
        response = search(client, q=typed)
        assert response.context["did_you_mean"] is None, typed
        assert "Did you mean" not in response.content.decode()


def test_a_query_that_finds_something_gets_no_suggestion(client, ranking):
    response = search(client, q="deportation")
    assert response.context["results"].total == 1
    assert response.context["did_you_mean"] is None


def test_a_hidden_records_unique_word_is_never_suggested(client, ranking, world):
    # Every hidden incident's text carries ZZSECRETMARKER; no public one does.
    assert not m.SearchWord.objects.filter(word__contains="zzsecret").exists()
    for typed in ("ZZSECRETMARKR", "ZZSECRETMARKERR", "zzsecretmarke"):
        assert search(client, q=typed).context["did_you_mean"] is None, typed


def test_a_word_of_a_record_withdrawn_since_the_refresh_is_not_suggested(client, ranking, world):
    """The table may be older than the records: a suggestion must find a public incident."""
    reviewer = f.UserFactory(is_superuser=True)
    unique = f.IncidentFactory(published=True, title="Xylophones confiscated", summary="")
    call_command("refresh_search_words", verbosity=0)
    # A typo no language's stemmer undoes: French stems "xylophonez" as "xylophones".
    assert search(client, q="xylofones").context["did_you_mean"] == "xylophones"
    services.withdraw(record=unique, reviewer=reviewer, reason="Duplicate.")
    assert search(client, q="xylofones").context["did_you_mean"] is None


def test_the_suggestion_link_keeps_the_filters(client, ranking, world):
    response = search(client, q="childern", country="UA", page="1")
    assert response.context["did_you_mean_query"] == "q=children&country=UA"


def test_suggesting_takes_a_fixed_number_of_queries(client, ranking, django_assert_num_queries):
    # the search page's 3 and its pg_trgm check (absent here), then: the words known, the
    # fuzzystrmatch check, one look-up per unknown word (two here), and whether the
    # correction finds a public incident
    with django_assert_num_queries(4 + 5):
        response = search(client, q="deportaton childern")
    assert response.context["did_you_mean"] == "deportation children"


def test_levenshtein_in_python_agrees_with_the_rule():
    assert search_module.levenshtein("childern", "children", 2) == 2
    assert search_module.levenshtein("deportaton", "deportation", 2) == 1
    assert search_module.levenshtein("abc", "xyzuvw", 2) == 3
