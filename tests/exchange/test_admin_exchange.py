"""The staff pages: upload (tests/changesets/test_imports.py: it becomes a change set),
export download, data quality."""

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
