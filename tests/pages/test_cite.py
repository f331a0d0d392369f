"""“Cite this record” on every record page, and its downloads (cases/cite.py)."""

import datetime
import json

import pytest
from django.utils import timezone

from cases import models as m
from tests import factories as f

RECORDS = {
    # world attribute: (its page, its title in the citation)
    "incident": ("/incidents/{pk}/", "Deportation of children from occupied areas of Ukraine"),
    "warrant": ("/actions/{pk}/", "Arrest warrant for Maria Lvova-Belova"),
    "lvova": ("/actors/{pk}/", "Maria Lvova-Belova"),
    "press": ("/sources/{pk}/", "ICC press release of 17 March 2023"),
    "gc4": ("/law/gc-iv/", "Fourth Geneva Convention"),
    "art49": ("/provisions/{pk}/", "GC IV art. 49"),
    "ua": ("/states/UA/", "Ukraine"),
    "deportation": ("/categories/deportation/", "Deportation or forcible transfer"),
}


def in_words(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.mark.parametrize("name", RECORDS)
def test_every_record_page_says_how_to_cite_it(client, world, name):
    record = getattr(world, name)
    page, title = RECORDS[name]
    url = page.format(pk=record.pk)
    html = " ".join(client.get(url).content.decode().split())
    assert "Cite this record" in html
    updated = in_words(timezone.localdate(record.updated_at))
    today = in_words(timezone.localdate())
    assert f"“{title}”. IHL Case Database" in html
    assert f"last updated {updated}. http://testserver{url} (accessed {today})." in html
    for fmt in ("bib", "json", "txt"):
        assert f'href="http://testserver{url}cite.{fmt}" download' in html


@pytest.mark.parametrize("name", RECORDS)
def test_each_citation_downloads_in_three_formats(client, world, name, django_assert_num_queries):
    record = getattr(world, name)
    page, title = RECORDS[name]
    url = page.format(pk=record.pk)
    updated = timezone.localdate(record.updated_at)
    with django_assert_num_queries(1):
        bib = client.get(f"{url}cite.bib")
    assert bib.status_code == 200
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert "attachment" in bib["Content-Disposition"]
    text = bib.content.decode()
    assert text.startswith("@misc{ihl-")
    assert f"url = {{http://testserver{url}}}" in text
    assert f"date = {{{updated.isoformat()}}}" in text
    assert f"urldate = {{{timezone.localdate().isoformat()}}}" in text

    csl = client.get(f"{url}cite.json")
    assert csl["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    [item] = json.loads(csl.content)
    assert item["title"] == title
    assert item["URL"] == f"http://testserver{url}"
    assert item["container-title"] == "IHL Case Database"
    assert item["issued"] == {"date-parts": [[updated.year, updated.month, updated.day]]}
    today = timezone.localdate()
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}

    plain = client.get(f"{url}cite.txt").content.decode()
    assert plain.startswith(f"“{title}”. IHL Case Database")


def test_bibtex_escapes_what_it_would_read_as_commands(client, world):
    incident = f.IncidentFactory(published=True, title="Strikes on {grain} & 100% of ports_#1")
    text = client.get(f"/incidents/{incident.pk}/cite.bib").content.decode()
    assert r"title = {{Strikes on \{grain\} \& 100\% of ports\_\#1}}" in text


def test_a_hidden_records_citation_is_absent(client, world):
    hidden_provision = m.Provision.objects.filter(instrument=world.hidden_draft_instrument).first()
    urls = [f"/provisions/{hidden_provision.pk}/cite.bib"]
    for label in ("draft", "confidential", "review", "withdrawn"):
        urls += [
            f"/incidents/{getattr(world, f'hidden_{label}_incident').pk}/cite.bib",
            f"/actions/{getattr(world, f'hidden_{label}_action').pk}/cite.json",
            f"/actors/{getattr(world, f'hidden_{label}_actor').pk}/cite.txt",
            f"/sources/{getattr(world, f'hidden_{label}_source').pk}/cite.bib",
            f"/law/{getattr(world, f'hidden_{label}_instrument').slug}/cite.bib",
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"ZZSECRET" not in response.content, url


def test_an_unknown_format_or_key_is_a_404_that_says_so(client, world):
    response = client.get(f"/incidents/{world.incident.pk}/cite.docx")
    assert response.status_code == 404
    assert client.get("/incidents/abc/cite.bib").status_code == 404
    assert client.get("/states/XX/cite.bib").status_code == 404
