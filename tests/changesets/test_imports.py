"""An admin upload is a change set: checked on upload, imported by a reviewer's approval."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import changesets
from cases import models as m
from cases.exchange.importer import import_path
from jobs.models import Job
from tests import factories as f
from tests.worker import run_worker, use_job_storage
from tests.workflow.conftest import member_of

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
def world():
    f.StateFactory(code="UA", name="Ukraine")
    f.ViolationCategoryFactory(slug="transfer", name="Transfer of children")
    f.ViolationCategoryFactory(slug="deportation", name="Deportation")
    published = f.IncidentFactory(external_id="ngo:1", title="Old title", published=True)
    return published


def package():
    return zipped(
        {
            "incidents.csv": [
                ["id", "title", "country", "categories", "publication_status"],
                ["ngo:1", "Corrected title", "UA", "transfer", "published"],
                ["ngo:2", "A new incident", "UA", "transfer|deportation", "published"],
            ]
        }
    )


def public_titles() -> list[str]:
    return sorted(m.Incident.objects.public().values_list("title", flat=True))


@pytest.fixture(autouse=True)
def job_storage(monkeypatch, tmp_path):
    use_job_storage(monkeypatch, tmp_path)


def upload(client, user, file):
    """Upload, let the worker check it, and keep it in a change set (tests/test_jobs.py)."""
    client.force_login(user)
    client.post(reverse("admin:exchange-import"), {"file": file})
    run_worker()
    job = Job.objects.latest("pk")
    return client.post(reverse("admin:jobs_job_keep", args=[job.pk]))


def test_an_upload_changes_nothing_public_until_a_reviewer_approves_it(client, world):
    researcher = member_of("researcher", username="r")
    reviewer = member_of("reviewer", username="v")

    response = upload(client, researcher, package())

    change = m.Change.objects.get()
    assert change.kind == m.ChangeKind.IMPORT
    assert response.status_code == 302
    assert response.url == change.change_set.get_absolute_url()
    assert public_titles() == ["Old title"]
    assert not m.Incident.objects.filter(external_id="ngo:2").exists()

    # The change set page shows what the import's dry run reports, with labels.
    page = client.get(change.change_set.get_absolute_url()).content.decode()
    assert '<th scope="row">incidents</th><td>1</td><td>1</td><td>0</td>' in page
    assert "<strong>Incident added</strong>: A new incident" in page
    assert "<strong>Incident changed</strong>: Corrected title" in page
    assert "Title: <del>Old title</del> → <ins>Corrected title</ins>" in page
    assert "Categories: <del>—</del> → <ins>Transfer of children</ins>" in page
    assert public_titles() == ["Old title"]  # the diff was rolled back

    changesets.submit(change_set=change.change_set, user=researcher)
    assert public_titles() == ["Old title"]
    client.force_login(reviewer)
    client.post(
        reverse("admin:cases_changeset_workflow", args=[change.change_set.pk, "approve"]),
        {"review_comment": "Checked against the NGO's list."},
    )

    change.change_set.refresh_from_db()
    assert change.change_set.status == m.ChangeSetStatus.APPROVED
    assert public_titles() == ["A new incident", "Corrected title"]
    new = m.Incident.objects.get(external_id="ngo:2")
    assert sorted(new.categories.values_list("slug", flat=True)) == ["deportation", "transfer"]
    updated = m.Incident.objects.get(pk=world.pk)
    # Who imported them and when: the uploader, at one instant for the whole import.
    assert (new.created_by, new.updated_by, updated.updated_by) == (researcher,) * 3
    assert new.created_at == new.updated_at == updated.updated_at > updated.created_at
    # Each imported row has a version naming the change set, by the uploader.
    reason = change.change_set.history_reason
    for incident, kind in ((world, "~"), (new, "+")):
        version = m.Incident.objects.get(pk=incident.pk).history.first()
        assert (version.history_type, version.history_user) == (kind, researcher)
        assert version.history_change_reason == reason
    version = new.history.first()
    assert version.title == "A new incident"
    linked = version.categories.values_list("violationcategory__slug", flat=True)
    assert sorted(linked) == ["deportation", "transfer"]


def test_four_eyes_the_uploader_cannot_approve_their_import(client, world):
    reviewer = member_of("reviewer", username="v")
    upload(client, reviewer, package())
    change_set = m.ChangeSet.objects.get()
    changesets.submit(change_set=change_set, user=reviewer)

    with pytest.raises(PermissionDenied):
        changesets.approve(change_set=change_set, reviewer=reviewer)

    assert public_titles() == ["Old title"]
    changesets.approve(change_set=change_set, reviewer=member_of("reviewer", username="w"))
    assert public_titles() == ["A new incident", "Corrected title"]


def test_a_broken_row_is_refused_with_its_row_and_field_and_nothing_is_kept(client, world):
    researcher = member_of("researcher", username="r")
    broken = zipped(
        {
            "incidents.csv": [
                ["id", "title", "country", "date"],
                ["ngo:2", "Fine", "UA", "2022-02-24"],
                ["ngo:3", "Broken", "UA", "2022-13"],
            ]
        }
    )

    upload(client, researcher, broken)

    page = client.get(Job.objects.get().get_absolute_url()).content.decode()
    assert "<td>incidents.csv</td><td>3</td><td>date</td><td>2022-13</td>" in page
    assert "Nothing was kept" in page
    assert not m.ChangeSet.objects.exists()
    assert not m.Incident.objects.filter(external_id__in=["ngo:2", "ngo:3"]).exists()


def test_a_record_changed_after_the_upload_refuses_the_approval(client, world):
    researcher = member_of("researcher", username="r")
    upload(client, researcher, package())
    change_set = m.ChangeSet.objects.get()
    changesets.submit(change_set=change_set, user=researcher)
    world.title = "Changed meanwhile"
    world.save()

    with pytest.raises(ValidationError) as refused:
        changesets.approve(change_set=change_set, reviewer=member_of("reviewer", username="v"))

    (message,) = refused.value.messages
    assert "incidents.csv, row 2, column id" in message
    assert "changed after the file was uploaded" in message
    assert public_titles() == ["Changed meanwhile"]
    assert not m.Incident.objects.filter(external_id="ngo:2").exists()


def test_an_import_is_reviewed_on_its_own(client, world):
    """The uploader's next edit in the admin does not join the upload's change set."""
    researcher = member_of("researcher", username="r")
    upload(client, researcher, package())
    imported = m.ChangeSet.objects.get()

    assert changesets.open_change_set(researcher) != imported


def test_the_command_line_imports_directly_with_history(tmp_path, world):
    path = tmp_path / "package.zip"
    path.write_bytes(package().read())
    operator = f.UserFactory()

    report = import_path(path, user=operator)

    assert report.committed
    assert public_titles() == ["A new incident", "Corrected title"]
    new = m.Incident.objects.get(external_id="ngo:2")
    version = new.history.get()
    assert (version.history_type, version.history_user) == ("+", operator)
    assert version.history_change_reason == "Imported from package.zip"
    assert version.history_date == new.created_at
    linked = version.categories.values_list("violationcategory__slug", flat=True)
    assert sorted(linked) == ["deportation", "transfer"]
    updated = m.Incident.objects.get(external_id="ngo:1").history.first()
    assert (updated.history_type, updated.title) == ("~", "Corrected title")
    assert list(updated.categories.values_list("violationcategory__slug", flat=True)) == [
        "transfer"
    ]
