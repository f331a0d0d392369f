"""An action's status, seal status and dates derive from its dated events (ActionLifecycle),
rule by rule; the rules a set of events keeps; and the service that writes the result."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import models as m
from cases import services
from cases.models.actions import in_timeline_order, lifecycle_problems, states_problem
from tests import factories as f

Kind = m.ActionEventKind
Status = m.ActionStatus
Seal = m.SealStatus
APPLIED_ON = datetime.date(2023, 2, 22)  # the Prosecution's application (reference facts)
ISSUED_ON = datetime.date(2023, 3, 17)  # the warrants of 17 March 2023
PUTIN, LVOVA_BELOVA = 1, 2  # actor ids of the subjects


def ev(kind, day, subject=None, pk=None) -> m.ActionEvent:
    return m.ActionEvent(kind=kind, occurred_on=day, subject_id=subject, pk=pk)


def later(days: int) -> datetime.date:
    return ISSUED_ON + datetime.timedelta(days=days)


def derive(*events, subjects=(PUTIN,)):
    return m.ActionLifecycle.derive(events=events, subject_ids=set(subjects))


SEALED = (ev(Kind.APPLIED, APPLIED_ON), ev(Kind.ISSUED_UNDER_SEAL, ISSUED_ON))


# --- the derivation, rule by rule ---------------------------------------------------------


def test_without_events_nothing_is_derived():
    assert derive() is None


def test_applied_for_is_pending():
    lifecycle = derive(ev(Kind.APPLIED, APPLIED_ON))
    assert lifecycle.status == Status.PENDING
    assert lifecycle.applied_on == APPLIED_ON
    assert (lifecycle.issued_on, lifecycle.announced_on) == (None, None)


def test_issued_publicly_is_active_public_and_announced_on_issue():
    lifecycle = derive(ev(Kind.APPLIED, APPLIED_ON), ev(Kind.ISSUED, ISSUED_ON))
    assert lifecycle.values() == {
        "status": Status.ACTIVE,
        "seal_status": Seal.PUBLIC,
        "applied_on": APPLIED_ON,
        "issued_on": ISSUED_ON,
        "announced_on": ISSUED_ON,
    }


def test_issued_under_seal_is_active_under_seal_and_not_announced():
    lifecycle = derive(*SEALED)
    assert (lifecycle.status, lifecycle.seal_status) == (Status.ACTIVE, Seal.UNDER_SEAL)
    assert lifecycle.announced_on is None


def test_made_public_unseals_a_sealed_warrant():
    lifecycle = derive(*SEALED, ev(Kind.MADE_PUBLIC, ISSUED_ON))
    assert lifecycle.seal_status == Seal.UNSEALED
    assert lifecycle.announced_on == ISSUED_ON
    assert lifecycle.status == Status.ACTIVE


def test_made_public_leaves_a_public_warrant_public():
    lifecycle = derive(ev(Kind.ISSUED, ISSUED_ON), ev(Kind.MADE_PUBLIC, later(3)))
    assert lifecycle.seal_status == Seal.PUBLIC
    assert lifecycle.announced_on == ISSUED_ON  # public since its issue


def test_one_day_s_events_follow_the_order_of_an_action_s_life_not_their_entry():
    # The warrant was made public on the day it was issued under seal; entered the other way.
    made_public = ev(Kind.MADE_PUBLIC, ISSUED_ON, pk=1)
    sealed = ev(Kind.ISSUED_UNDER_SEAL, ISSUED_ON, pk=2)
    assert derive(made_public, sealed).seal_status == Seal.UNSEALED
    assert in_timeline_order([made_public, sealed]) == [sealed, made_public]


@pytest.mark.parametrize("kind", [Kind.ARREST, Kind.SURRENDER, Kind.FIRST_APPEARANCE])
def test_arrest_surrender_or_appearance_of_every_subject_executes_it(kind):
    assert derive(*SEALED, ev(kind, later(30))).status == Status.EXECUTED  # no subject: all
    both = (PUTIN, LVOVA_BELOVA)
    each = derive(
        *SEALED, ev(kind, later(30), PUTIN), ev(kind, later(40), LVOVA_BELOVA), subjects=both
    )
    assert each.status == Status.EXECUTED


@pytest.mark.parametrize("kind", [Kind.ARREST, Kind.SURRENDER, Kind.FIRST_APPEARANCE])
def test_execution_for_only_some_subjects_leaves_it_active(kind):
    lifecycle = derive(*SEALED, ev(kind, later(30), PUTIN), subjects=(PUTIN, LVOVA_BELOVA))
    assert lifecycle.status == Status.ACTIVE


def test_withdrawn_is_withdrawn_also_before_the_issue():
    assert derive(*SEALED, ev(Kind.WITHDRAWN, later(5))).status == Status.WITHDRAWN
    assert (
        derive(ev(Kind.APPLIED, APPLIED_ON), ev(Kind.WITHDRAWN, later(-3))).status
        == Status.WITHDRAWN
    )


def test_withdrawn_for_one_of_two_subjects_leaves_it_active():
    lifecycle = derive(*SEALED, ev(Kind.WITHDRAWN, later(5), PUTIN), subjects=(PUTIN, LVOVA_BELOVA))
    assert lifecycle.status == Status.ACTIVE


def test_without_effect_for_every_subject_after_a_death():
    assert derive(*SEALED, ev(Kind.WITHOUT_EFFECT, later(90))).status == Status.WITHOUT_EFFECT
    only_one = derive(
        *SEALED, ev(Kind.WITHOUT_EFFECT, later(90), PUTIN), subjects=(PUTIN, LVOVA_BELOVA)
    )
    assert only_one.status == Status.ACTIVE


@pytest.mark.parametrize("kind", [Kind.EXECUTION_REFUSED, Kind.NON_COMPLIANCE])
def test_refusal_and_non_compliance_do_not_change_the_status(kind):
    lifecycle = derive(*SEALED, ev(Kind.MADE_PUBLIC, ISSUED_ON), ev(kind, later(500)))
    assert lifecycle.values() == derive(*SEALED, ev(Kind.MADE_PUBLIC, ISSUED_ON)).values()


def test_a_later_event_wins_over_an_earlier_one():
    arrested_then_withdrawn = derive(
        *SEALED, ev(Kind.ARREST, later(30)), ev(Kind.WITHDRAWN, later(60))
    )
    assert arrested_then_withdrawn.status == Status.WITHDRAWN
    # Entered in the other order, the dates decide.
    entered_backwards = derive(
        *SEALED, ev(Kind.WITHDRAWN, later(60), pk=1), ev(Kind.ARREST, later(30), pk=2)
    )
    assert entered_backwards.status == Status.WITHDRAWN
    withdrawn_then_arrested = derive(
        *SEALED, ev(Kind.WITHDRAWN, later(30)), ev(Kind.ARREST, later(60))
    )
    assert withdrawn_then_arrested.status == Status.EXECUTED


def test_every_subject_closed_in_different_ways():
    both = (PUTIN, LVOVA_BELOVA)
    arrested_and_died = derive(
        *SEALED,
        ev(Kind.ARREST, later(30), PUTIN),
        ev(Kind.WITHOUT_EFFECT, later(40), LVOVA_BELOVA),
        subjects=both,
    )
    assert arrested_and_died.status == Status.EXECUTED
    withdrawn_and_died = derive(
        *SEALED,
        ev(Kind.WITHDRAWN, later(30), PUTIN),
        ev(Kind.WITHOUT_EFFECT, later(40), LVOVA_BELOVA),
        subjects=both,
    )
    assert withdrawn_and_died.status == Status.WITHDRAWN


def test_an_action_without_subjects_is_closed_by_an_event_without_subject():
    assert derive(ev(Kind.ISSUED, ISSUED_ON), ev(Kind.WITHDRAWN, later(9)), subjects=()).status == (
        Status.WITHDRAWN
    )


def test_the_first_application_and_the_first_issue_count():
    lifecycle = derive(
        ev(Kind.APPLIED, APPLIED_ON),
        ev(Kind.APPLIED, later(-10)),  # an amended application
        ev(Kind.ISSUED_UNDER_SEAL, ISSUED_ON),
        ev(Kind.ISSUED, later(20)),  # a second warrant, issued publicly
    )
    assert (lifecycle.applied_on, lifecycle.issued_on) == (APPLIED_ON, ISSUED_ON)
    assert lifecycle.seal_status == Seal.UNDER_SEAL  # the first issue decides the seal


# --- the rules a set of events keeps --------------------------------------------------------


def test_nothing_before_the_application():
    problems = lifecycle_problems([ev(Kind.APPLIED, APPLIED_ON), ev(Kind.ISSUED, later(-30))], None)
    assert [(i, field) for i, field, _ in problems] == [(1, "occurred_on")]
    assert "before the application (22 February 2023)" in problems[0][2]


@pytest.mark.parametrize(
    "kind",
    [
        Kind.MADE_PUBLIC,
        Kind.ARREST,
        Kind.SURRENDER,
        Kind.FIRST_APPEARANCE,
        Kind.WITHOUT_EFFECT,
        Kind.EXECUTION_REFUSED,
        Kind.NON_COMPLIANCE,
    ],
)
def test_nothing_that_presupposes_the_issue_before_it(kind):
    problems = lifecycle_problems(
        [ev(Kind.ISSUED_UNDER_SEAL, ISSUED_ON), ev(kind, later(-1))], None
    )
    assert [(i, field) for i, field, _ in problems] == [(1, "occurred_on")]
    assert "before the issue (17 March 2023)" in problems[0][2]


def test_a_withdrawal_may_come_before_the_issue():
    events = [
        ev(Kind.APPLIED, APPLIED_ON),
        ev(Kind.WITHDRAWN, later(-1)),
        ev(Kind.ISSUED, ISSUED_ON),
    ]
    assert lifecycle_problems(events, None) == []


def test_the_subject_must_be_a_subject_of_the_action():
    stranger = m.Actor(pk=9, name="Maria Lvova-Belova")
    arrest = m.ActionEvent(kind=Kind.ARREST, occurred_on=ISSUED_ON, subject=stranger)
    problems = lifecycle_problems([arrest], {1})
    assert [(i, field) for i, field, _ in problems] == [(0, "subject")]
    assert "Maria Lvova-Belova is not among the subjects" in problems[0][2]
    assert lifecycle_problems([ev(Kind.ARREST, ISSUED_ON, 1)], {1}) == []
    assert lifecycle_problems([ev(Kind.ARREST, ISSUED_ON, 9)], None) == []  # not known


def test_a_state_s_conduct_names_the_state():
    assert "Name the state" in states_problem(Kind.NON_COMPLIANCE, [])
    assert "Name the state" in states_problem(Kind.EXECUTION_REFUSED, [])
    assert states_problem(Kind.NON_COMPLIANCE, ["MN"]) is None
    assert states_problem(Kind.ARREST, []) is None


# --- the service that writes the derived values -----------------------------------------------


@pytest.fixture
def warrant(db):
    action = f.AccountabilityActionFactory(
        issued_on=None, status=Status.ACTIVE, seal_status=Seal.PUBLIC
    )
    action.subject_links.create(actor=f.ActorFactory(name="Vladimir Putin"))
    return action


def add(action, kind, day, **fields) -> m.ActionEvent:
    return f.ActionEventFactory(action=action, kind=kind, occurred_on=day, **fields)


def test_the_service_writes_what_the_events_say_with_a_version(warrant):
    user = f.UserFactory()
    add(warrant, Kind.APPLIED, APPLIED_ON)
    add(warrant, Kind.ISSUED_UNDER_SEAL, ISSUED_ON)
    add(warrant, Kind.MADE_PUBLIC, ISSUED_ON)
    versions = warrant.history.count()

    changes = services.update_action_lifecycles(actions=[warrant], user=user)

    assert changes == {
        warrant: {
            "seal_status": (Seal.PUBLIC, Seal.UNSEALED),
            "applied_on": (None, APPLIED_ON),
            "issued_on": (None, ISSUED_ON),
            "announced_on": (None, ISSUED_ON),
        }
    }
    warrant.refresh_from_db()
    assert (warrant.seal_status, warrant.applied_on) == (Seal.UNSEALED, APPLIED_ON)
    assert warrant.updated_by == user
    assert warrant.history.count() == versions + 1
    assert warrant.history.first().history_user == user


def test_the_service_writes_nothing_when_nothing_changes(warrant):
    add(warrant, Kind.ISSUED, ISSUED_ON)
    services.update_action_lifecycles(actions=[warrant])
    warrant.refresh_from_db()
    stamp, versions = warrant.updated_at, warrant.history.count()
    assert services.update_action_lifecycles(actions=[warrant]) == {}
    warrant.refresh_from_db()
    assert (warrant.updated_at, warrant.history.count()) == (stamp, versions)


def test_an_action_without_events_keeps_its_fields_as_entered(db):
    action = f.AccountabilityActionFactory(status=Status.EXECUTED, issued_on=ISSUED_ON)
    assert services.update_action_lifecycles(actions=[action]) == {}
    action.refresh_from_db()
    assert (action.status, action.issued_on) == (Status.EXECUTED, ISSUED_ON)


def test_the_service_refuses_events_out_of_order_and_writes_nothing(warrant):
    add(warrant, Kind.APPLIED, APPLIED_ON)
    add(warrant, Kind.ISSUED, later(-60), external_id="action_event:early")
    with pytest.raises(ValidationError) as refused:
        services.update_action_lifecycles(actions=[warrant])
    assert str(warrant) in refused.value.messages[0]
    assert "id action_event:early" in refused.value.messages[0]
    assert "before the application" in refused.value.messages[0]
    warrant.refresh_from_db()
    assert warrant.applied_on is None


def test_removing_a_subject_can_execute_the_warrant(warrant):
    other = warrant.subject_links.create(actor=f.ActorFactory(name="Maria Lvova-Belova"))
    add(warrant, Kind.ISSUED, ISSUED_ON)
    add(warrant, Kind.SURRENDER, later(30), subject=warrant.subjects.get(name="Vladimir Putin"))
    services.update_action_lifecycles(actions=[warrant])
    assert m.AccountabilityAction.objects.get(pk=warrant.pk).status == Status.ACTIVE
    other.delete()
    services.update_action_lifecycles(actions=[warrant])
    assert m.AccountabilityAction.objects.get(pk=warrant.pk).status == Status.EXECUTED


def run_counting(actions) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.update_action_lifecycles(
            actions=m.AccountabilityAction.objects.filter(pk__in=actions)
        )
    return len(queries)


def test_the_service_reads_in_a_fixed_number_of_queries(db):
    actions = []
    for _ in range(6):
        action = f.AccountabilityActionFactory(issued_on=ISSUED_ON, announced_on=ISSUED_ON)
        action.subject_links.create(actor=f.ActorFactory())
        add(action, Kind.ISSUED, ISSUED_ON)
        add(action, Kind.NON_COMPLIANCE, later(400)).states.add(f.StateFactory(code="MN"))
        actions.append(action.pk)
    assert run_counting(actions[:1]) == run_counting(actions)


# --- the model's own check, against what is stored ------------------------------------------


def test_clean_checks_an_event_against_the_stored_events_and_subjects(warrant):
    add(warrant, Kind.APPLIED, APPLIED_ON)
    early = m.ActionEvent(action=warrant, kind=Kind.ISSUED, occurred_on=later(-60))
    with pytest.raises(ValidationError) as refused:
        early.full_clean()
    assert "before the application" in refused.value.message_dict["occurred_on"][0]
    stranger = m.ActionEvent(
        action=warrant, kind=Kind.ARREST, occurred_on=later(1), subject=f.ActorFactory(name="X")
    )
    with pytest.raises(ValidationError) as refused:
        stranger.full_clean()
    assert "X is not among the subjects" in refused.value.message_dict["subject"][0]


def test_an_event_s_edit_counts_as_an_edit_of_its_action(warrant):
    """Events are parts of the action (services.PARTS): the four-eyes check sees their
    author, and a published action's events are locked."""
    editor = f.UserFactory()
    event = add(warrant, Kind.ISSUED, ISSUED_ON)
    event._history_user = editor
    event.description = "Issued by the chamber."
    event.save()
    assert services.last_editor(warrant) == editor
    warrant.publication_status = m.PublicationStatus.PUBLISHED
    assert services.records_of(m.ActionEvent, lambda name: getattr(event, name)) == [warrant]
