"""The action's events in the admin: entered with their sources on the action's page, checked
together with the subjects of the same submission, and followed by the action's status."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import models as m
from tests import factories as f
from tests.test_admin import assert_saved, current_data, inline, url, warrant_data

pytestmark = pytest.mark.django_db

Kind = m.ActionEventKind
ACTION_ADD = url(m.AccountabilityAction, "add")


@pytest.fixture
def w():
    """The ICC warrant of 17 March 2023 (reference-facts.md), and what it refers to."""
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    return {
        "chamber": f.ActorFactory(name="ICC Pre-Trial Chamber II", kind=m.ActorKind.COURT),
        "putin": f.ActorFactory(name="Vladimir Putin"),
        "lvova_belova": f.ActorFactory(name="Maria Lvova-Belova"),
        "provision": {
            label: f.ProvisionFactory(instrument=rome, label=label)
            for label in ("art. 8(2)(a)(vii)", "art. 8(2)(b)(viii)", "art. 25(3)(a)", "art. 28(b)")
        },
        "incident": f.IncidentFactory(title="Deportation of children from occupied Ukraine"),
        "press_release": f.SourceFactory(
            title="Situation in Ukraine: ICC judges issue arrest warrants against "
            "Vladimir Vladimirovich Putin and Maria Alekseyevna Lvova-Belova"
        ),
        "ukraine": f.StateFactory(code="UA", name="Ukraine"),
    }


def event(kind, on, *, subject=None, states=(), source=None, pinpoint="", description=""):
    return {
        "kind": kind,
        "occurred_on": on,
        "subject": subject.pk if subject else "",
        "states": [s.pk for s in states],
        "description": description,
        "source": source.pk if source else "",
        "pinpoint": pinpoint,
    }


def the_warrant_lifecycle(w):
    press = w["press_release"]
    return [
        event(Kind.APPLIED, "2023-02-22", source=press, pinpoint="para. 2"),
        event(Kind.ISSUED_UNDER_SEAL, "2023-03-17", source=press, pinpoint="para. 1"),
        event(Kind.MADE_PUBLIC, "2023-03-17", source=press),
    ]


def submit(client, w, events, *, subjects=None, **fields):
    """The warrant for Putin with these events, entered on the action's add page. The
    dates and status typed in are deliberately not what the events say."""
    subjects = subjects or [w["putin"]]
    data = warrant_data(w, subjects=subjects, charge_subject=w["putin"])
    data.update(
        {
            "applied_on": "",
            "issued_on": "",
            "announced_on": "",
            "seal_status": "public",
            "status": "active",
            **fields,
        }
    )
    data.update(inline("events", events))
    return client.post(ACTION_ADD, data)


def errors_of(response, prefix="events"):
    for formset in response.context["inline_admin_formsets"]:
        if formset.formset.prefix == prefix:
            return [form.errors for form in formset.formset.forms]
    raise AssertionError(prefix)


def test_the_warrant_and_its_cited_events_in_one_submission(admin_client, admin_user, w):
    response = submit(admin_client, w, the_warrant_lifecycle(w))
    assert_saved(response)

    action = m.AccountabilityAction.objects.get()
    assert (action.applied_on, action.issued_on, action.announced_on) == (
        datetime.date(2023, 2, 22),
        datetime.date(2023, 3, 17),
        datetime.date(2023, 3, 17),
    )
    assert action.seal_status == m.SealStatus.UNSEALED
    assert action.status == m.ActionStatus.ACTIVE
    events = list(action.events.in_timeline_order())
    assert [e.kind for e in events] == [Kind.APPLIED, Kind.ISSUED_UNDER_SEAL, Kind.MADE_PUBLIC]
    assert all(e.created_by == admin_user for e in events)
    citations = [list(e.citations.all()) for e in events]
    assert [[(c.source, c.pinpoint) for c in cs] for cs in citations] == [
        [(w["press_release"], "para. 2")],
        [(w["press_release"], "para. 1")],
        [(w["press_release"], "")],
    ]
    assert citations[0][0].created_by == admin_user
    # The entered seal and dates were replaced by what the events say, and staff are told.
    messages = [str(message) for message in response.wsgi_request._messages]
    (said,) = [text for text in messages if text.startswith("From the events:")]
    assert "applied on empty → 22 February 2023" in said
    assert "seal status Public from issue → Issued under seal, existence made public" in said


def test_with_events_the_derived_fields_are_read_only_and_say_why(admin_client, w):
    assert_saved(submit(admin_client, w, the_warrant_lifecycle(w)))
    action = m.AccountabilityAction.objects.get()
    page = admin_client.get(url(m.AccountabilityAction, "change", action.pk))
    form = page.context["adminform"].form
    for name in ("status", "seal_status", "applied_on", "issued_on", "announced_on"):
        assert name not in form.fields
    assert "These come from the events below" in page.content.decode()

    # Typed-in values cannot override them.
    data = current_data(page)
    data.update({"status": "executed", "issued_on": "2020-01-01"})
    assert_saved(admin_client.post(url(m.AccountabilityAction, "change", action.pk), data))
    action.refresh_from_db()
    assert action.status == m.ActionStatus.ACTIVE
    assert action.issued_on == datetime.date(2023, 3, 17)


def test_without_events_the_fields_stay_as_entered(admin_client, w):
    assert_saved(submit(admin_client, w, [], issued_on="2023-03-17", status="executed"))
    action = m.AccountabilityAction.objects.get()
    assert (action.status, action.issued_on) == ("executed", datetime.date(2023, 3, 17))
    page = admin_client.get(url(m.AccountabilityAction, "change", action.pk))
    assert "status" in page.context["adminform"].form.fields


def test_an_arrest_executes_the_warrant_and_the_page_records_who(admin_client, w):
    assert_saved(submit(admin_client, w, the_warrant_lifecycle(w)))
    action = m.AccountabilityAction.objects.get()
    data = current_data(admin_client.get(url(m.AccountabilityAction, "change", action.pk)))
    data.update(
        {
            f"events-3-{k}": v
            for k, v in event(
                Kind.ARREST, "2023-04-01", subject=w["putin"], states=[w["ukraine"]]
            ).items()
        }
    )
    data["events-TOTAL_FORMS"] = "4"
    assert_saved(admin_client.post(url(m.AccountabilityAction, "change", action.pk), data))
    action.refresh_from_db()
    assert action.status == m.ActionStatus.EXECUTED
    arrest = action.events.get(kind=Kind.ARREST)
    assert arrest.subject == w["putin"]
    assert list(arrest.states.all()) == [w["ukraine"]]
    assert not arrest.citations.exists()


def test_an_event_before_the_application_is_refused_on_its_date(admin_client, w):
    events = [
        event(Kind.APPLIED, "2023-02-22"),
        event(Kind.ISSUED_UNDER_SEAL, "2023-02-01"),
    ]
    response = submit(admin_client, w, events)
    assert response.status_code == 200
    errors = errors_of(response)
    assert "before the application (22 February 2023)" in errors[1]["occurred_on"][0]
    assert not errors[0]
    assert not m.AccountabilityAction.objects.exists()


def test_an_arrest_before_the_issue_is_refused_on_its_date(admin_client, w):
    events = [
        event(Kind.ISSUED_UNDER_SEAL, "2023-03-17"),
        event(Kind.ARREST, "2023-03-16"),
    ]
    response = submit(admin_client, w, events)
    assert response.status_code == 200
    assert "before the issue (17 March 2023)" in errors_of(response)[1]["occurred_on"][0]


def test_an_event_of_someone_not_a_subject_is_refused_on_its_subject(admin_client, w):
    events = [event(Kind.ARREST, "2023-04-01", subject=w["lvova_belova"])]
    response = submit(admin_client, w, events)
    assert response.status_code == 200
    message = errors_of(response)[0]["subject"][0]
    assert "Maria Lvova-Belova is not among the subjects" in message
    assert not m.ActionEvent.objects.exists()


def test_a_subject_added_in_the_same_submission_is_a_subject(admin_client, w):
    events = [event(Kind.ARREST, "2023-04-01", subject=w["lvova_belova"])]
    response = submit(admin_client, w, events, subjects=[w["putin"], w["lvova_belova"]])
    assert_saved(response)
    # One of two subjects arrested: the warrant stays active.
    assert m.AccountabilityAction.objects.get().status == m.ActionStatus.ACTIVE


def test_taking_off_a_subject_an_event_names_is_refused(admin_client, w):
    events = [event(Kind.ARREST, "2023-04-01", subject=w["lvova_belova"])]
    assert_saved(submit(admin_client, w, events, subjects=[w["putin"], w["lvova_belova"]]))
    action = m.AccountabilityAction.objects.get()
    data = current_data(admin_client.get(url(m.AccountabilityAction, "change", action.pk)))
    index = next(
        i for i in range(2) if data[f"subject_links-{i}-actor"] == str(w["lvova_belova"].pk)
    )
    data[f"subject_links-{index}-DELETE"] = "on"
    response = admin_client.post(url(m.AccountabilityAction, "change", action.pk), data)
    assert response.status_code == 200
    assert "is not among the subjects" in errors_of(response)[0]["subject"][0]


@pytest.mark.parametrize("kind", [Kind.NON_COMPLIANCE, Kind.EXECUTION_REFUSED])
def test_a_state_s_conduct_without_the_state_is_refused_on_states(admin_client, w, kind):
    events = [*the_warrant_lifecycle(w), event(kind, "2024-09-02")]
    response = submit(admin_client, w, events)
    assert response.status_code == 200
    assert "Name the state" in errors_of(response)[3]["states"][0]
    events[3] = event(kind, "2024-09-02", states=[w["ukraine"]])
    assert_saved(submit(admin_client, w, events))


def test_a_pinpoint_without_a_source_is_refused_on_the_source(admin_client, w):
    response = submit(admin_client, w, [event(Kind.APPLIED, "2023-02-22", pinpoint="para. 3")])
    assert response.status_code == 200
    assert "Give the source" in errors_of(response)[0]["source"][0]


def test_the_row_changes_and_removes_the_event_s_citation(admin_client, w):
    assert_saved(submit(admin_client, w, the_warrant_lifecycle(w)))
    action = m.AccountabilityAction.objects.get()
    other = f.SourceFactory(title="ISW assessment of 17 March 2023")
    change = url(m.AccountabilityAction, "change", action.pk)
    data = current_data(admin_client.get(change))
    # Rows are shown in the order of the action's life: applied, issued under seal, public.
    assert data["events-0-source"] == str(w["press_release"].pk)
    assert data["events-0-pinpoint"] == "para. 2"
    data["events-0-source"] = str(other.pk)
    data["events-0-pinpoint"] = "key takeaways"
    data["events-1-source"] = ""
    data["events-1-pinpoint"] = ""
    assert_saved(admin_client.post(change, data))
    applied = action.events.get(kind=Kind.APPLIED).citations.get()
    assert (applied.source, applied.pinpoint) == (other, "key takeaways")
    assert not action.events.get(kind=Kind.ISSUED_UNDER_SEAL).citations.exists()
    assert m.Citation.objects.filter(action_event__isnull=False).count() == 2


def change_page_queries(client, action) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(m.AccountabilityAction, "change", action.pk))
    assert response.status_code == 200
    return len(queries)


def add_events(action, subject, state, source, n):
    for i in range(n):
        e = f.ActionEventFactory(
            action=action,
            kind=Kind.EXECUTION_REFUSED,
            occurred_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
            subject=subject,
        )
        e.states.add(state)
        f.CitationFactory(incident=None, action_event=e, source=source, pinpoint=f"p. {i}")


def test_the_change_page_queries_do_not_grow_with_events(admin_client, w):
    action = f.AccountabilityActionFactory()
    action.subject_links.create(actor=w["putin"])
    russia = f.StateFactory(code="RU", name="Russian Federation")
    add_events(action, w["putin"], w["ukraine"], w["press_release"], 1)
    few = change_page_queries(admin_client, action)
    add_events(action, w["putin"], russia, f.SourceFactory(), 6)
    assert change_page_queries(admin_client, action) == few
    page = admin_client.get(url(m.AccountabilityAction, "change", action.pk)).content.decode()
    # The selected subject, states and sources are rendered all the same.
    assert page.count(f'<option value="{w["putin"].pk}" selected>Vladimir Putin</option>') >= 7
    assert page.count("selected>Russian Federation</option>") == 6


def test_a_published_action_shows_its_events_read_only(admin_client, w):
    action = f.AccountabilityActionFactory(published=True)
    add_events(action, None, w["ukraine"], w["press_release"], 2)
    page = admin_client.get(url(m.AccountabilityAction, "change", action.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Execution refused by a state" in text
    assert w["press_release"].title in text


def test_a_researcher_enters_events(client, w):
    researcher = f.UserFactory(is_staff=True)
    researcher.groups.add(Group.objects.get(name="researcher"))
    client.force_login(researcher)
    assert_saved(submit(client, w, the_warrant_lifecycle(w)))
    assert m.ActionEvent.objects.count() == 3


# --- an event's own page ----------------------------------------------------------------


def test_an_event_s_own_page_updates_the_action(admin_client, w):
    action = f.AccountabilityActionFactory(status=m.ActionStatus.ACTIVE)
    action.subject_links.create(actor=w["putin"])
    f.ActionEventFactory(action=action, kind=Kind.ISSUED, occurred_on=datetime.date(2023, 3, 17))
    data = {
        "action": action.pk,
        "kind": Kind.SURRENDER,
        "occurred_on": "2023-05-02",
        "subject": w["putin"].pk,
        "description": "",
        **inline("citations", []),
    }
    assert_saved(admin_client.post(url(m.ActionEvent, "add"), data))
    action.refresh_from_db()
    assert action.status == m.ActionStatus.EXECUTED

    surrender = action.events.get(kind=Kind.SURRENDER)
    response = admin_client.post(url(m.ActionEvent, "delete", surrender.pk), {"post": "yes"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == m.ActionStatus.ACTIVE


def test_an_event_s_own_page_names_the_field_of_each_mistake(admin_client, w):
    action = f.AccountabilityActionFactory()
    action.subject_links.create(actor=w["putin"])
    f.ActionEventFactory(action=action, kind=Kind.APPLIED, occurred_on=datetime.date(2023, 2, 22))
    data = {
        "action": action.pk,
        "kind": Kind.NON_COMPLIANCE,
        "occurred_on": "2023-01-05",
        "subject": w["lvova_belova"].pk,
        "description": "",
    }
    response = admin_client.post(url(m.ActionEvent, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "before the application (22 February 2023)" in errors["occurred_on"][0]
    assert "Maria Lvova-Belova is not among the subjects" in errors["subject"][0]
    assert "Name the state" in errors["states"][0]


def test_moving_the_application_after_the_issue_is_refused(admin_client):
    action = f.AccountabilityActionFactory()
    applied = f.ActionEventFactory(
        action=action, kind=Kind.APPLIED, occurred_on=datetime.date(2023, 2, 22)
    )
    f.ActionEventFactory(
        action=action, kind=Kind.ISSUED_UNDER_SEAL, occurred_on=datetime.date(2023, 3, 17)
    )
    data = {"action": action.pk, "kind": Kind.APPLIED, "occurred_on": "2023-04-01"}
    response = admin_client.post(url(m.ActionEvent, "change", applied.pk), data)
    assert response.status_code == 200
    message = response.context["adminform"].form.errors["occurred_on"][0]
    assert "With this date, the “Issued under seal” of 17 March 2023 would be wrong" in message


def test_an_event_of_a_published_action_does_not_change(admin_client):
    action = f.AccountabilityActionFactory(published=True)
    e = f.ActionEventFactory(action=action)
    assert admin_client.get(url(m.ActionEvent, "change", e.pk)).status_code == 200
    data = {"action": action.pk, "kind": Kind.ISSUED, "occurred_on": "2023-03-18"}
    admin_client.post(url(m.ActionEvent, "change", e.pk), data)
    e.refresh_from_db()
    assert e.occurred_on == datetime.date(2023, 3, 17)
