"""Record pages: the facts, the law next to them, and links between them."""

import datetime

from cases import models as m
from tests import factories as f


def html(client, record) -> str:
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_incident_page_shows_facts_law_actors_actions_and_sources(client, world):
    page = html(client, world.incident)
    assert "<code>2022-02-24/2023-03-17</code>" in page
    assert "24 February 2022 and 17 March 2023" in page
    assert f'href="{world.lvova.get_absolute_url()}">Maria Lvova-Belova</a>' in page
    assert "Direct perpetrator" in page
    assert f'href="{world.art49.get_absolute_url()}"><strong>GC IV art. 49</strong>' in page
    assert "regardless of their motive" in page  # the provision's text next to the fact
    assert f'href="{world.warrant.get_absolute_url()}">' in page
    assert f'href="{world.press.get_absolute_url()}">ICC press release' in page
    assert f'href="{world.deportation.get_absolute_url()}">' in page


def test_incident_page_shows_whether_the_states_were_bound_on_its_dates(client, world):
    response = client.get(world.incident.get_absolute_url())
    rows = {
        (state.code, instrument.slug): [s.label for s in statuses]
        for state, cells in response.context["treaty_rows"]
        for instrument, statuses in cells
    }
    # Russia is bound by GC IV through the USSR's ratification (continuation)
    assert rows[("RU", "gc-iv")] == ["Bound", "Bound"]
    assert rows[("UA", "gc-iv")] == ["Bound", "Bound"]
    # Ukraine ratified the Rome Statute in 2024: not bound on the incident's dates
    assert rows[("UA", "rome-statute")] == ["Not bound", "Not bound"]
    assert "via USSR" in response.content.decode()


def test_action_page_shows_body_subjects_charges_and_incidents(client, world):
    liability = f.ProvisionFactory(
        instrument=world.rome, label="art. 25(3)(a)", rule_kind=m.RuleKind.MODE_OF_LIABILITY
    )
    world.charge.modes_of_liability.add(liability)
    page = html(client, world.warrant)
    assert f'href="{world.icc.get_absolute_url()}">ICC Pre-Trial Chamber II</a>' in page
    assert "ICC-01/22" in page
    assert f'href="{world.lvova.get_absolute_url()}">Maria Lvova-Belova</a>' in page
    assert f'href="{world.art8.get_absolute_url()}">Rome Statute art. 8(2)(b)(viii)</a>' in page
    assert f'href="{liability.get_absolute_url()}">Rome Statute art. 25(3)(a)</a>' in page
    assert f'href="{world.incident.get_absolute_url()}">' in page


def test_actor_page_shows_roles_actions_and_other_names(client, world):
    page = html(client, world.lvova)
    assert '<span lang="uk">Марія Львова-Бєлова</span>' in page
    assert "Direct perpetrator" in page
    assert f'href="{world.warrant.get_absolute_url()}">' in page


def test_instrument_and_provision_pages_list_what_invokes_them(client, world):
    page = html(client, world.gc4)
    assert f'href="{world.art49.get_absolute_url()}">art. 49</a>' in page
    assert f'href="{world.incident.get_absolute_url()}">' in page
    page = html(client, world.art8)
    assert f'href="{world.incident.get_absolute_url()}">' in page
    assert f'href="{world.warrant.get_absolute_url()}">' in page
    assert f'href="/search/?provision={world.art8.pk}"' in page


def test_state_page_shows_treaty_status_over_time(client, world):
    f.TreatyEventFactory(
        state=world.ua,
        instrument=world.rome,
        kind=m.TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=datetime.date(2014, 4, 17),
        jurisdiction_from=datetime.date(2013, 11, 21),
    )
    f.InstrumentFactory(published=True, slug="genocide-convention", short_title="Genocide C.")
    response = client.get(world.ua.get_absolute_url())
    history = {i.slug: status for i, _, status in response.context["history"]}
    changes, now = history["rome-statute"]
    # The declaration covers its period from its first day, not from when it was lodged.
    assert [(day, s.kind) for day, s in changes] == [
        (datetime.date(2013, 11, 21), m.TreatyStatusKind.JURISDICTION_ACCEPTED),
        (datetime.date(2025, 1, 1), m.TreatyStatusKind.BOUND),
    ]
    assert now.kind == m.TreatyStatusKind.BOUND
    page = response.content.decode()
    assert "From 21 November 2013: Not a party; jurisdiction accepted under art. 12(3)" in page
    assert "From 1 January 2025: Bound" in page
    assert "covers 21 Nov 2013 onwards" in page
    # No act of Ukraine under the Genocide Convention is entered: said as such.
    assert history["genocide-convention"] is None
    assert "No treaty act of Ukraine under this instrument is recorded here." in page
    assert "recorded: not bound" not in page
    # lower-case codes still find the state
    assert client.get("/states/ua/").status_code == 200


def test_category_and_source_pages(client, world):
    page = html(client, world.crimes)
    assert f'href="{world.deportation.get_absolute_url()}">' in page
    assert f'href="{world.incident.get_absolute_url()}">' in page  # from the narrower term
    page = html(client, world.press)
    assert f'href="{world.incident.get_absolute_url()}">' in page
    assert f'href="{world.warrant.get_absolute_url()}">' in page
    # A source backing a Security Council referral lists it, linked to the statute.
    referral = f.SecurityCouncilReferralFactory(instrument=world.rome, resolution="S/RES/1593")
    f.CitationFactory(source=world.press, incident=None, referral=referral)
    page = html(client, world.press)
    assert "Security Council referral (S/RES/1593: Darfur, Sudan)" in page
    assert f'href="{world.rome.get_absolute_url()}">' in page


def test_unknown_records_are_404_with_a_page(client, db):
    for url in ["/incidents/999999/", "/law/nothing/", "/states/ZZ/", "/sources/999999/"]:
        assert client.get(url).status_code == 404


def test_the_state_of_an_involved_armed_unit_is_among_the_incident_s_states(client, world):
    """Its forces' conduct engages that state's treaty obligations: the page and the API
    list the same states (Incident.states_with_roles())."""
    incident = f.IncidentFactory(country=world.ua, date="2022-05", published=True)
    unit = f.ActorFactory(
        name="Unit 1", kind=m.ActorKind.ARMED_UNIT, state=world.ru, published=True
    )
    f.InvolvementFactory(incident=incident, actor=unit)

    response = client.get(incident.get_absolute_url())
    api = client.get(f"/api/v1/incidents/{incident.pk}/").json()

    assert [state.code for state, _ in response.context["treaty_rows"]] == ["UA", "RU"]
    assert [(entry["state"]["code"], entry["roles"]) for entry in api["law"]] == [
        ("UA", ["territorial_state"]),
        ("RU", ["state_of_involved_actor"]),
    ]


def test_actor_page_gives_each_incident_date_in_words(client, world):
    page = html(client, world.lvova)
    assert "<td>24 February 2022 – 17 March 2023</td>" in page
    assert "2022-02-24/2023-03-17" not in page


def test_a_stored_address_becomes_a_link_only_for_http_and_https(client, db):
    """An address such as "javascript:…" already in the database (imported or written
    before validation) is shown as text, never as a live link."""
    source = f.SourceFactory(published=True, url="javascript:alert(document.domain)")
    m.SourceCapture.objects.create(
        source=source,
        captured_at=datetime.datetime(2023, 3, 17, tzinfo=datetime.UTC),
        archive_url="https://web.archive.org/web/2023/https://www.icc-cpi.int/",
    )
    m.SourceCapture.objects.create(
        source=source,
        captured_at=datetime.datetime(2023, 3, 18, tzinfo=datetime.UTC),
        archive_url=" JavaScript:alert(1)",
    )
    page = html(client, source)
    assert 'href="javascript' not in page.lower()
    assert 'href=" javascript' not in page.lower()
    assert "javascript:alert(document.domain)" in page  # still shown, as text
    assert '<a href="https://web.archive.org/web/2023/https://www.icc-cpi.int/"' in page
