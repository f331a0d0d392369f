"""The staff pages: upload (tests/changesets/test_imports.py: it becomes a change set;
tests/test_jobs.py: its check and the export run in the worker), data quality."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
