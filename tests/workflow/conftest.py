import pytest
from django.contrib.auth.models import Group

from tests import factories as f


def member_of(role: str, **fields):
    user = f.UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def researcher(db):
    return member_of("researcher", username="researcher")


@pytest.fixture
def reviewer(db):
    return member_of("reviewer", username="reviewer")


@pytest.fixture
def second_reviewer(db):
    return member_of("reviewer", username="second-reviewer")


def edit(record, user, **changes):
    """Change a record's content as `user` would in the admin: the history names them."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_by = user
    record._history_user = user
    record.save()
    return record


def ready_incident(**fields):
    """A draft incident that passes the data-quality checks."""
    incident = f.IncidentFactory(**fields)
    f.CitationFactory(incident=incident, source=f.SourceFactory(published=True))
    f.LegalQualificationFactory(incident=incident)
    return incident


def ready_action(**fields):
    action = f.AccountabilityActionFactory(**fields)
    action.subject_links.create(actor=f.ActorFactory(published=True))
    f.CitationFactory(incident=None, action=action, source=f.SourceFactory(published=True))
    return action


def approve_kept_edits(author, reviewer=None):
    """Submit the author's open change set and have another reviewer approve it: what an
    edit of a live record needs before the public sees it (docs/change-sets.md)."""
    from cases import changesets
    from cases.models import ChangeSet

    reviewer = reviewer or f.UserFactory(is_staff=True, is_superuser=True)
    for change_set in ChangeSet.objects.editable_by(author):
        changesets.submit(change_set=change_set, user=author)
        changesets.approve(change_set=change_set, reviewer=reviewer)
