"""The audit trail: who read protected identities, searched, exported, imported, logged
in and changed permissions, with when and from where; rows that cannot be changed."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from cases import models as m
from tests import factories as f
from tests.worker import run_worker, use_job_storage

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def rows_before():
    """The rows already there: the trail keeps what other tests' processes committed (an
    import run by a subprocess), since no one can delete a row of it."""
    global LAST_ROW
    LAST_ROW = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


LAST_ROW = 0


def events(action) -> list[AuditEvent]:
    """The rows this test wrote, of one kind."""
    return list(AuditEvent.objects.filter(action=action, pk__gt=LAST_ROW).order_by("pk"))


@pytest.fixture
def witnesses():
    people = []
    for n in range(3):
        person = f.ProtectedPersonFactory(pseudonym=f"W-{n}")
        m.ProtectedIdentity.objects.create(person=person, full_name=f"Secret Name {n}")
        m.ProtectedContact.objects.create(person=person, kind="phone", value=f"+380 44 00{n}")
        people.append(person)
    return people


def staff(*, identities: bool, username: str = "staff"):
    user = f.UserFactory(is_staff=True, username=username)
    permissions = Permission.objects.filter(content_type__app_label="cases")
    if not identities:
        permissions = permissions.exclude(codename="view_protected_identity")
    user.user_permissions.set(permissions)
    return user


# --- the rows cannot be changed ------------------------------------------------------


def test_the_application_cannot_change_or_delete_a_row_of_the_trail():
    event = AuditEvent.objects.create(action=AuditAction.EXPORT, username="someone")
    for statement in (
        "UPDATE audit_auditevent SET username = 'nobody'",
        "DELETE FROM audit_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="the audit trail cannot be changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="nobody")
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        event.delete()
    # TRUNCATE too, unless the session allows a purge (the test database's flush does).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ihl.audit_truncate = ''")
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            cursor.execute("TRUNCATE audit_auditevent")
    event.refresh_from_db()
    assert event.username == "someone"


def test_nobody_can_add_change_or_delete_a_row_in_the_admin(admin_client):
    event = AuditEvent.objects.create(action=AuditAction.EXPORT, username="someone")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(change, {"username": "nobody"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.username == "someone"


def test_staff_without_the_permission_cannot_read_the_trail(client):
    client.force_login(staff(identities=True))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_unusual")).status_code == 403
    assert b"Audit trail" not in client.get(reverse("admin:index")).content


# --- what is recorded ----------------------------------------------------------------


def test_logins_failed_logins_and_logouts_are_recorded_with_the_address(client):
    staff(identities=False, username="olena")
    login = reverse("admin:login")
    client.post(login, {"username": "olena", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    client.post(login, {"username": "olena", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    client.post(reverse("admin:logout"), REMOTE_ADDR="203.0.113.7")

    [failed] = events(AuditAction.LOGIN_FAILED)
    assert (failed.username, failed.user_id, failed.ip_address) == ("olena", None, "203.0.113.7")
    assert "wrong" not in str(failed.detail)
    [logged_in] = events(AuditAction.LOGIN)
    assert (logged_in.username, logged_in.ip_address) == ("olena", "203.0.113.7")
    assert logged_in.user.username == "olena"
    [logged_out] = events(AuditAction.LOGOUT)
    assert logged_out.username == "olena"


def test_each_page_showing_identities_is_recorded_with_the_persons_it_showed(client, witnesses):
    reader = staff(identities=True, username="reader")
    client.force_login(reader)
    first = witnesses[0]
    person_page = reverse("admin:cases_protectedperson_change", args=[first.pk])
    assert b"Secret Name 0" in client.get(person_page).content
    client.get(reverse("admin:cases_protectedidentity_change", args=[first.identity.pk]))
    client.get(reverse("admin:cases_protectedidentity_history", args=[first.identity.pk]))
    listed = client.get(reverse("admin:cases_protectedcontact_changelist"))
    assert b"+380 44 002" in listed.content

    reads = events(AuditAction.VIEW_IDENTITY)
    assert [(e.what, e.object_ids) for e in reads] == [
        ("protected person", [str(first.pk)]),
        ("protected identity", [str(first.pk)]),
        ("history of protected identity", [str(first.pk)]),
        ("list of protected contacts", sorted(str(p.pk) for p in witnesses)),
    ]
    assert {(e.username, e.user_id) for e in reads} == {("reader", reader.pk)}
    assert reads[0].path == person_page


def test_the_trail_names_what_was_read_in_english_whatever_the_readers_language(client, witnesses):
    # One search of the trail ("list of protected identities") finds every reader's reads.
    client.force_login(staff(identities=True, username="reader"))
    listed = client.get(
        reverse("admin:cases_protectedidentity_changelist"), HTTP_ACCEPT_LANGUAGE="uk"
    )
    assert "захищені особисті дані" in listed.content.decode().lower()
    [read] = events(AuditAction.VIEW_IDENTITY)
    assert read.what == "list of protected identities"


def test_a_pseudonym_page_without_the_identity_is_no_read_of_an_identity(client, witnesses):
    client.force_login(staff(identities=False))
    page = client.get(reverse("admin:cases_protectedperson_change", args=[witnesses[0].pk]))
    assert page.status_code == 200
    assert events(AuditAction.VIEW_IDENTITY) == []


def test_admin_searches_are_recorded_with_their_terms(client, witnesses):
    client.force_login(staff(identities=True))
    client.get(reverse("admin:cases_protectedperson_changelist"), {"q": "Secret Name 1"})
    client.get(reverse("admin:cases_incident_changelist"))  # no search: nothing recorded
    [search] = events(AuditAction.SEARCH)
    assert (search.what, search.detail) == ("cases_protectedperson", {"q": "Secret Name 1"})


def test_exports_and_uploads_for_import_are_recorded(
    admin_client, admin_user, monkeypatch, tmp_path
):
    use_job_storage(monkeypatch, tmp_path)
    admin_client.post(reverse("admin:exchange-export"))
    run_worker()  # the export is made by the worker, and recorded as its owner's
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("incidents.csv", "id,title,date,country\nx-1,A raid,2022-03-01,\n")
    upload = SimpleUploadedFile("raid.zip", buffer.getvalue())
    page = admin_client.post(reverse("admin:exchange-import"), {"file": upload})
    assert page.status_code in (200, 302), page.content
    assert not (page.context and page.context["form"].errors), page.context["form"].errors

    [export] = events(AuditAction.EXPORT)
    assert export.user == admin_user
    assert "incidents" in export.detail["rows"]
    [upload] = events(AuditAction.IMPORT)
    assert (upload.what, upload.detail["stage"]) == ("raid.zip", "uploaded for a check")


def test_permission_changes_are_recorded_with_who_made_them(admin_client, admin_user):
    user = f.UserFactory(username="new-researcher", is_staff=True)
    researcher = Group.objects.get(name="researcher")
    user.groups.add(researcher)
    user.is_superuser = True
    user.save()
    # Through the admin: the trail names the administrator who did it.
    group_page = reverse("admin:auth_group_change", args=[researcher.pk])
    kept = list(researcher.permissions.values_list("pk", flat=True))[1:]
    admin_client.post(group_page, {"name": "researcher", "permissions": kept})

    changes = events(AuditAction.PERMISSION_CHANGE)
    described = [(e.what, e.detail.get("change"), e.username) for e in changes]
    assert ("user: new-researcher", "flags", "") in described  # created as staff
    assert ("user: new-researcher", "add", "") in described  # joined a group
    assert any(e.detail.get("flags") == {"is_superuser": [False, True]} for e in changes)
    assert ("group: researcher", "remove", admin_user.username) in described


def test_unusual_reads_mark_who_read_more_persons_than_the_limit(
    client, admin_client, witnesses, settings
):
    settings.AUDIT_UNUSUAL_READS_PER_DAY = 2
    client.force_login(staff(identities=True, username="collector"))
    for person in witnesses:
        client.get(reverse("admin:cases_protectedperson_change", args=[person.pk]))
    client.get(reverse("admin:cases_protectedperson_change", args=[witnesses[0].pk]))
    client.force_login(staff(identities=True, username="careful"))
    client.get(reverse("admin:cases_protectedperson_change", args=[witnesses[0].pk]))

    page = admin_client.get(reverse("admin:audit_auditevent_unusual"))

    readers = page.context["readers"]
    assert [(r["username"], r["persons"], r["views"], r["unusual"]) for r in readers] == [
        ("collector", 3, 4, True),
        ("careful", 1, 1, False),
    ]
    assert "Unusual: past the limit" in page.content.decode()


def test_administrators_read_the_trail_and_its_unusual_reads(client):
    administrator = f.UserFactory(is_staff=True, username="head-of-unit")
    administrator.groups.add(Group.objects.get(name="administrator"))
    client.force_login(administrator)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_unusual")).status_code == 200
    assert b"Audit trail" in client.get(reverse("admin:index")).content
