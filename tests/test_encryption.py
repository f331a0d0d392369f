"""Protected identities and contacts encrypted at rest (cases/crypto.py, docs/security.md
"Encryption at rest"): a dump or a backup reveals none of them, the admin still shows, finds
and edits them, a rotation leaves the old key useless, and a wrong key is said plainly."""

import io
import subprocess

import pyrage
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from cases import crypto
from cases import models as m
from cases.management.commands.backup_db import libpq_environment, pg_tool
from tests import factories as f

NAME = "Zorianna Ivanenko-Markerova"
OTHER_NAME = "Зоряна Іваненко"
EMAIL = "zorianna.marker@example.org"
PHONE = "+380 99 713 2468"
NOTE = "Lives with her aunt near Markerivka"
SECRETS = [NAME, "Markerova", "Зоряна", EMAIL, "713 2468", "Markerivka", "1987-04-05"]

# The person's change page when its identity cannot be opened: session, user, permissions,
# the person and the identity it cannot open; with a wrong key also the data key it tries.
QUERIES = {"wrong": 9, "missing": 8}  # with the second factor's device

KEY_A = crypto.new_key()
KEY_B = crypto.new_key()
# restore_db must refuse before it reaches a database: none by this name exists.
NOWHERE = "postgres://postgres@127.0.0.1:5432/ihl_no_such_database"


def url(model, view, *args):
    return reverse(f"admin:cases_{model._meta.model_name}_{view}", args=args)


def plant(pseudonym="W-0713"):
    person = f.ProtectedPersonFactory(pseudonym=pseudonym)
    identity = m.ProtectedIdentity.objects.create(
        person=person, full_name="Z. I.", other_names=OTHER_NAME, date_of_birth="1987-04-05"
    )
    identity.full_name, identity.notes = NAME, NOTE  # a second version in the history
    identity.save()
    m.ProtectedContact.objects.create(person=person, kind="email", value=EMAIL)
    m.ProtectedContact.objects.create(person=person, kind="phone", value=PHONE, note=NOTE)
    return person


def cleared_staff():
    user = f.UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="cases"))
    return user


def stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" ORDER BY 1')
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def key_a(db, settings):
    settings.IHL_ENCRYPTION_KEY = KEY_A
    settings.IHL_ENCRYPTION_PREVIOUS_KEYS = []
    return settings


def test_a_dump_and_a_backup_hold_no_protected_name_email_or_phone(transactional_db, tmp_path):
    # transactional_db: pg_dump reads through its own connection, so the rows are committed.
    plant()
    assert m.ProtectedIdentity.objects.get().full_name == NAME  # the rows are there

    dump = subprocess.run(
        [pg_tool("pg_dump"), "--format=plain", "--data-only"],
        env=libpq_environment(connection.settings_dict),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "W-0713" in dump  # the pseudonym stays plain: the dump did read the tables
    for secret in SECRETS:
        assert secret not in dump

    backup = tmp_path / "ihl.dump.age"
    call_command("backup_db", output=backup, stdout=io.StringIO())
    content = backup.read_bytes()
    assert content.startswith(b"age-encryption.org/v1")
    assert b"W-0713" not in content  # not even the pseudonyms: the whole dump is encrypted


def test_the_admin_shows_finds_and_edits_identities_for_a_cleared_user(client, key_a):
    person = plant()
    client.force_login(cleared_staff())

    page = client.get(url(m.ProtectedPerson, "change", person.pk)).content.decode()
    assert NAME in page
    assert EMAIL in page
    assert PHONE in page

    # Found by any word of a name, in any case, with or without accents; and recorded.
    for term in ["ivanenko", "Zorianna IVANENKO-markerova", "іваненко"]:
        listed = client.get(url(m.ProtectedPerson, "changelist"), {"q": term})
        assert "W-0713" in listed.content.decode(), term
    listed = client.get(url(m.ProtectedIdentity, "changelist"), {"q": "Markerova"})
    assert NAME in listed.content.decode()
    searched = AuditEvent.objects.filter(action=AuditAction.SEARCH).order_by("pk")
    assert searched.last().detail == {"q": "Markerova"}
    unknown = client.get(url(m.ProtectedPerson, "changelist"), {"q": "Petrenko"})
    assert "W-0713" not in unknown.content.decode()

    # Found by a contact: an e-mail address in any case, a phone number as written or run
    # together; not by a number it does not hold.
    for term in ["Zorianna.Marker@example.org", "+380 99 713 2468", "+380997132468"]:
        listed = client.get(url(m.ProtectedPerson, "changelist"), {"q": term})
        assert "W-0713" in listed.content.decode(), term
    listed = client.get(url(m.ProtectedContact, "changelist"), {"q": "380997132468"})
    assert PHONE in listed.content.decode()
    assert EMAIL not in listed.content.decode()
    for term in ["+380997132460", "petrenko@example.org"]:
        listed = client.get(url(m.ProtectedPerson, "changelist"), {"q": term})
        assert "W-0713" not in listed.content.decode(), term

    identity = person.identity
    data = {
        "person": person.pk,
        "full_name": "Zorianna Renamed",
        "other_names": OTHER_NAME,
        "date_of_birth": "5 April 1987",
        "nationality": "Ukrainian",
        "notes": "",
    }
    response = client.post(url(m.ProtectedIdentity, "change", identity.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    identity.refresh_from_db()
    assert (identity.full_name, identity.nationality) == ("Zorianna Renamed", "Ukrainian")
    assert list(m.ProtectedPerson.objects.named("renamed")) == [person]
    assert not m.ProtectedPerson.objects.named("Markerova").exists()
    for value in stored("cases_protectedidentity", "full_name"):
        assert value.startswith("v1:")
    for value in stored("cases_historicalprotectedidentity", "full_name"):
        assert value.startswith("v1:")


def test_a_sealed_column_refuses_lookups_it_cannot_answer(db):
    with pytest.raises(Exception, match="Unsupported lookup 'icontains'"):
        list(m.ProtectedIdentity.objects.filter(full_name__icontains="Ivanenko"))


def test_rotation_reseals_everything_resumably_and_the_old_key_no_longer_opens(settings, key_a):
    persons = [plant(f"W-07{n}") for n in range(3)]
    before = stored("cases_protectedcontact", "value")

    settings.IHL_ENCRYPTION_KEY = KEY_B
    settings.IHL_ENCRYPTION_PREVIOUS_KEYS = [KEY_A]
    # A run killed after its first batch of two rows...
    model = m.ProtectedContact
    target = crypto.rotation_target(model)
    next(crypto.reseal(model, target, batch_size=2))
    target.refresh_from_db()
    assert target.rotating
    assert target.rotated_through > 0
    # ...goes on where it stopped.
    said = io.StringIO()
    call_command("rotate_encryption_key", batch_size=2, stdout=said, verbosity=0)
    # The 4 contacts past the first 2, 6 versions of contacts, 3 identities, 6 versions.
    assert "Re-encrypted 19 rows" in said.getvalue()
    assert not m.DataKey.objects.filter(rotating=True).exists()

    after = stored("cases_protectedcontact", "value")
    assert set(after).isdisjoint(before)
    keys = m.DataKey.objects.values_list("table", "pk")
    assert m.DataKey.objects.count() == 4  # one per table: the old ones are gone
    for table, key_pk in keys:
        for column in ["value"] if "contact" in table else ["full_name", "notes"]:
            assert all(v.startswith(f"v1:{key_pk}:") for v in stored(table, column) if v)

    crypto.forget_keys()
    settings.IHL_ENCRYPTION_PREVIOUS_KEYS = []
    assert m.ProtectedIdentity.objects.filter(person=persons[0]).get().full_name == NAME
    assert m.ProtectedPerson.objects.named("ivanenko").count() == 3
    assert m.ProtectedPerson.objects.named("+380997132468").count() == 3

    crypto.forget_keys()
    settings.IHL_ENCRYPTION_KEY = KEY_A
    with pytest.raises(crypto.EncryptionKeyError, match="is not configured"):
        m.ProtectedContact.objects.first()
    with pytest.raises(CommandError, match="is not configured"):
        call_command("rotate_encryption_key", verbosity=0)


@pytest.mark.parametrize("configured", ["wrong", "missing"])
def test_a_wrong_or_missing_key_gives_a_clear_page_not_a_traceback(
    client, settings, key_a, configured, django_assert_num_queries
):
    person = plant()
    contact = person.contacts.values_list("pk", flat=True).first()
    client.force_login(cleared_staff())
    crypto.forget_keys()
    settings.IHL_ENCRYPTION_KEY = KEY_B if configured == "wrong" else ""
    settings.IHL_ENCRYPTION_KEY_FILE = ""

    for address in [
        url(m.ProtectedPerson, "change", person.pk),
        url(m.ProtectedIdentity, "changelist"),
        url(m.ProtectedContact, "change", contact),
    ]:
        response = client.get(address)
        assert response.status_code == 503, address
        page = response.content.decode()
        assert "Protected identities cannot be opened" in page
        assert "Traceback" not in page
        assert EMAIL not in page
    # The page stops at the first value it cannot open: a fixed number of queries.
    with django_assert_num_queries(QUERIES[configured]):
        client.get(url(m.ProtectedPerson, "change", person.pk))


def test_restore_refuses_a_backup_it_cannot_decrypt(db, tmp_path):
    stranger = pyrage.x25519.Identity.generate().to_public()
    backup = tmp_path / "other.dump.age"
    backup.write_bytes(pyrage.encrypt(b"PGDMP not ours", [stranger]))
    with pytest.raises(CommandError, match="cannot be decrypted with IHL_BACKUP_IDENTITY_FILE"):
        call_command("restore_db", backup, yes=True, database_url=NOWHERE)


def test_the_deploy_check_names_the_missing_keys(settings):
    settings.IHL_ENCRYPTION_KEY, settings.IHL_ENCRYPTION_KEY_FILE = "", ""
    settings.IHL_BACKUP_RECIPIENTS = []
    assert [problem.id for problem in crypto.check_keys()] == ["ihl.W001", "ihl.W002"]
    settings.IHL_ENCRYPTION_KEY = "too-short"
    assert "not an encryption key" in crypto.check_keys()[0].msg
    settings.IHL_ENCRYPTION_KEY = KEY_A
    settings.IHL_BACKUP_RECIPIENTS = [str(pyrage.x25519.Identity.generate().to_public())]
    assert crypto.check_keys() == []
