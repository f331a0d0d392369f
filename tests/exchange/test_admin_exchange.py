"""The staff pages: upload, preview, confirm; export download; data quality."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def zipped(files: dict[str, list[list[str]]]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(name, text.getvalue())
    return SimpleUploadedFile("package.zip", buffer.getvalue(), "application/zip")


@pytest.fixture
def editor(client):
    user = f.UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="cases",
            codename__in=["add_incident", "change_incident", "view_incident"],
        )
    )
    client.force_login(user)
    return user


def test_upload_preview_confirm(client, editor):
    f.StateFactory(code="UA", name="Ukraine")
    f.IncidentFactory(external_id="ngo:1", title="Old title")
    upload = zipped(
        {
            "incidents.csv": [
                ["id", "title", "country"],
                ["ngo:1", "New title", "UA"],
                ["ngo:2", "Another incident", "UA"],
            ]
        }
    )

    preview = client.post(reverse("admin:exchange-import"), {"file": upload})

    assert preview.status_code == 200
    assert preview.context["report"].rows == [("incidents", 1, 1, 0, 0)]
    assert "Confirm" in preview.content.decode()
    assert m.Incident.objects.get(external_id="ngo:1").title == "Old title"  # not yet

    token = preview.context["token"]
    result = client.post(reverse("admin:exchange-confirm"), {"token": token})

    assert result.status_code == 200
    assert result.context["report"].committed
    updated = m.Incident.objects.get(external_id="ngo:1")
    assert updated.title == "New title"
    created = m.Incident.objects.get(external_id="ngo:2")
    # Who imported them and when: the editor, at one instant for the whole import.
    assert (created.created_by, created.updated_by, updated.updated_by) == (editor,) * 3
    assert updated.created_by != editor
    assert created.created_at == created.updated_at == updated.updated_at > updated.created_at
    # Each has a version in its history, as an edit in the admin would leave.
    for incident, kind in ((created, "+"), (updated, "~")):
        version = incident.history.first()
        assert (version.history_type, version.history_user) == (kind, editor)
        assert version.history_change_reason.startswith("Imported from ")
        assert version.title == incident.title
        assert version.history_date == created.created_at
    assert updated.history.earliest("history_id").title == "Old title"
    # The stored upload is used once: confirming again imports nothing.
    again = client.post(reverse("admin:exchange-confirm"), {"token": token})
    assert again.status_code == 302


def test_preview_lists_every_bad_row_and_offers_no_confirm(client, editor):
    upload = zipped({"incidents.csv": [["id", "title", "date"], ["ngo:1", "A", "2022-13"]]})

    preview = client.post(reverse("admin:exchange-import"), {"file": upload})

    page = preview.content.decode()
    assert 'id="problems"' in page
    assert "<td>incidents.csv</td><td>2</td><td>date</td><td>2022-13</td>" in page
    assert "Confirm" not in page
    assert not m.Incident.objects.exists()


def test_wrong_file_type_is_a_form_error(client, editor):
    upload = SimpleUploadedFile("cases.xlsx", b"not a zip")
    response = client.post(reverse("admin:exchange-import"), {"file": upload})
    assert response.context["form"].errors["file"] == [
        "Upload a .zip of CSV files or an .ndjson file."
    ]


def test_staff_only(client):
    for name in ("exchange-import", "exchange-quality", "exchange-export"):
        assert client.get(reverse(f"admin:{name}")).status_code == 302  # to the login
    client.force_login(f.UserFactory(is_staff=True))  # staff without permissions
    for name in ("exchange-import", "exchange-quality", "exchange-export"):
        assert client.get(reverse(f"admin:{name}")).status_code == 403


def test_export_download(client, editor):
    f.IncidentFactory(title="Exported incident")
    response = client.get(reverse("admin:exchange-export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "Exported incident" in archive.read("incidents.csv").decode()


def test_unreadable_files_are_reported_not_a_server_error(client, editor):
    not_a_zip = SimpleUploadedFile("package.zip", b"this is not a zip file")
    response = client.post(reverse("admin:exchange-import"), {"file": not_a_zip})
    assert response.status_code == 200
    assert "cannot be read" in response.content.decode()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("incidents.csv", "id,title\nngo:1,Caf\xe9\n".encode("latin-1"))
    latin1 = SimpleUploadedFile("package.zip", buffer.getvalue())
    response = client.post(reverse("admin:exchange-import"), {"file": latin1})
    assert response.status_code == 200
    assert "cannot be read" in response.content.decode()
    assert not m.Incident.objects.exists()


def test_an_upload_neither_publishes_nor_changes_what_is_published(client, editor):
    f.StateFactory(code="UA", name="Ukraine")
    f.IncidentFactory(external_id="ngo:1", title="Reviewed", published=True)
    f.SourceFactory(external_id="src:1", published=True)
    upload = zipped(
        {
            "incidents.csv": [
                ["id", "title", "country", "publication_status"],
                ["ngo:1", "Changed unreviewed", "UA", "published"],
                ["ngo:2", "Published by the upload", "UA", "published"],
                ["ngo:3", "A draft", "UA", "draft"],
            ],
            "citations.csv": [["id", "source", "incident"], ["cit:1", "src:1", "ngo:1"]],
        }
    )

    preview = client.post(reverse("admin:exchange-import"), {"file": upload})

    problems = {(p.file, p.row, p.column) for p in preview.context["report"].problems}
    assert problems == {
        ("incidents.csv", 2, "id"),
        ("incidents.csv", 3, "publication_status"),
        ("citations.csv", 2, "incident"),
    }
    assert "Confirm" not in preview.content.decode()
    assert m.Incident.objects.get(external_id="ngo:1").title == "Reviewed"
    assert not m.Incident.objects.filter(external_id__in=["ngo:2", "ngo:3"]).exists()


def test_an_upload_may_list_a_published_record_as_it_is(client, editor):
    """Nothing in it changes, so there is nothing to review: a spreadsheet that repeats
    the published records next to new drafts is accepted."""
    f.StateFactory(code="UA", name="Ukraine")
    f.IncidentFactory(external_id="ngo:1", title="Reviewed", country_id="UA", published=True)
    upload = zipped(
        {
            "incidents.csv": [
                ["id", "title", "country", "publication_status"],
                ["ngo:1", "Reviewed", "UA", "published"],
                ["ngo:2", "A draft", "UA", "draft"],
            ]
        }
    )

    preview = client.post(reverse("admin:exchange-import"), {"file": upload})

    assert preview.context["report"].problems == []
    assert preview.context["report"].rows == [("incidents", 1, 0, 1, 0)]
