"""Background jobs: the web request only queues; the worker (run here in-process, for one
batch) does the work; staff see their own jobs, their state and result; an upload's check
is kept from any app server by its owner only, until it expires; an export is downloaded
by its owner only."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import models as m
from jobs import work
from jobs.models import Job, JobKind, JobState
from tests import factories as f
from tests import worker
from tests.exchange.test_admin_exchange import zipped
from tests.worker import use_job_storage

pytestmark = pytest.mark.django_db

PERMISSIONS = ["add_incident", "change_incident", "view_incident"]


@pytest.fixture(autouse=True)
def storage(monkeypatch, tmp_path) -> Path:
    use_job_storage(monkeypatch, tmp_path)
    return tmp_path


@pytest.fixture
def run_worker():
    return worker.run_worker


def staff(username: str, *, superuser: bool = False):
    # No password (a hash costs about a second here): the clients log in with force_login.
    user = f.UserFactory(username=username, is_staff=True, is_superuser=superuser, password=None)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="cases", codename__in=PERMISSIONS)
    )
    return user


def client_of(user) -> Client:
    """A client with no state of its own but its session: another app server would do."""
    client = Client()
    client.force_login(user)
    return client


def good_package():
    f.StateFactory(code="UA", name="Ukraine")
    return zipped({"incidents.csv": [["id", "title", "country"], ["ngo:7", "A raid", "UA"]]})


def upload(client, file) -> Job:
    response = client.post(reverse("admin:exchange-import"), {"file": file})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    return job


def test_an_upload_is_checked_by_the_worker_and_kept_from_another_app_server(run_worker, storage):
    owner = staff("owner")
    job = upload(client_of(owner), good_package())
    assert (job.kind, job.state, job.owner) == (JobKind.IMPORT_CHECK, JobState.QUEUED, owner)
    # The request only queued it: the file waits in the private job storage, not in /tmp.
    assert Path(job.file.path).is_relative_to(storage)
    assert not m.ChangeSet.objects.exists()

    run_worker()

    # Another app server: a fresh client, the same user.
    other_server = client_of(owner)
    page = other_server.get(job.get_absolute_url()).content.decode()
    assert "<td>incidents</td><td>1</td><td>0</td><td>0</td><td>0</td>" in page
    assert "Keep it in a change set" in page
    response = other_server.post(reverse("admin:jobs_job_keep", args=[job.pk]))

    change = m.Change.objects.get()
    assert response.url == change.change_set.get_absolute_url()
    assert (change.kind, change.author, change.label) == (m.ChangeKind.IMPORT, owner, "package.zip")
    assert not m.Incident.objects.filter(external_id="ngo:7").exists()  # until approved
    job.refresh_from_db()
    assert job.change_set == change.change_set
    # Once only.
    again = other_server.post(reverse("admin:jobs_job_keep", args=[job.pk]), follow=True)
    assert "This upload is already kept in a change set." in again.content.decode()
    assert m.ChangeSet.objects.count() == 1


def test_another_member_of_staff_can_neither_open_nor_keep_an_upload(run_worker):
    job = upload(client_of(staff("owner")), good_package())
    run_worker()

    colleague = client_of(staff("colleague"))
    assert colleague.get(job.get_absolute_url()).status_code == 404
    assert colleague.post(reverse("admin:jobs_job_keep", args=[job.pk])).status_code == 404
    assert (
        job.options["name"]
        not in colleague.get(reverse("admin:jobs_job_changelist")).content.decode()
    )
    # A superuser sees it, but it is not theirs to keep.
    admin = client_of(staff("admin", superuser=True))
    assert admin.get(job.get_absolute_url()).status_code == 200
    assert admin.post(reverse("admin:jobs_job_keep", args=[job.pk])).status_code == 403
    assert not m.ChangeSet.objects.exists()


def test_an_expired_upload_is_refused_and_its_file_deleted(run_worker, storage):
    owner = staff("owner")
    job = upload(client_of(owner), good_package())
    run_worker()
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client_of(owner).post(reverse("admin:jobs_job_keep", args=[job.pk]), follow=True)

    page = response.content.decode()
    assert "This upload expired on" in page
    assert "upload the file again to check it anew." in page
    assert not m.ChangeSet.objects.exists()
    call_command("prune_jobs", stdout=io.StringIO())
    job.refresh_from_db()
    assert not job.file
    assert not any(storage.rglob("*.zip"))


def test_an_upload_with_problems_lists_them_and_cannot_be_kept(run_worker):
    owner = staff("owner")
    bad = zipped({"incidents.csv": [["id", "title", "date"], ["ngo:1", "A", "2022-13"]]})
    job = upload(client_of(owner), bad)
    run_worker()

    page = client_of(owner).get(job.get_absolute_url()).content.decode()
    assert "<td>incidents.csv</td><td>2</td><td>date</td><td>2022-13</td>" in page
    assert "Nothing was kept: correct these problems" in page
    assert "Keep it in a change set" not in page
    response = client_of(owner).post(reverse("admin:jobs_job_keep", args=[job.pk]), follow=True)
    assert "Only a file checked without problems can be kept." in response.content.decode()
    assert not m.ChangeSet.objects.exists()


def test_an_export_is_made_by_the_worker_and_downloaded_by_its_owner_only(run_worker):
    f.IncidentFactory(title="Exported incident")
    owner = staff("owner")
    client = client_of(owner)
    response = client.post(reverse("admin:exchange-export"))
    job = Job.objects.get(kind=JobKind.EXPORT)
    assert response.url == job.get_absolute_url()
    assert "Queued" in client.get(job.get_absolute_url()).content.decode()

    run_worker()

    page = client.get(job.get_absolute_url()).content.decode()
    download = reverse("admin:jobs_job_download", args=[job.pk])
    assert download in page
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(download).streaming_content)))
    assert "Exported incident" in archive.read("incidents.csv").decode()

    # Leaks: not the public, another member of staff, nor a superuser, and no public URL.
    job.refresh_from_db()
    assert Client().get(download).status_code == 302  # to the login
    assert Client().get(f"/media/{job.file.name}").status_code == 404
    assert client_of(staff("colleague")).get(download).status_code == 404
    assert client_of(staff("admin", superuser=True)).get(download).status_code == 403


def test_a_job_whose_worker_died_runs_again_without_writing_twice(run_worker):
    f.IncidentFactory(title="Shelling of a hospital", published=True)
    call_command("refresh_search_words", "--background", stdout=io.StringIO())
    job = Job.objects.get(kind=JobKind.SEARCH_WORDS)
    assert job.owner is None
    assert job.state == JobState.QUEUED
    run_worker()
    job.refresh_from_db()
    words = m.SearchWord.objects.count()
    assert job.state == JobState.DONE
    assert job.result == {"words": words}
    assert words > 0

    # A worker that died mid-run leaves the job "running" with no lock held.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    assert Job.objects.get(pk=job.pk).is_stalled
    out = io.StringIO()
    call_command("prune_jobs", stdout=out)
    assert "1 stalled jobs queued again" in out.getvalue()
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert m.SearchWord.objects.count() == words
    # A redelivery of a finished job does nothing.
    work.run(job.pk)
    job.refresh_from_db()
    assert job.attempts == 2


def test_a_failed_job_says_why_and_can_run_again(run_worker, storage):
    owner = staff("owner")
    job = upload(client_of(owner), good_package())
    for path in storage.rglob("*.zip"):
        path.unlink()  # the file is gone (a storage outage, say)
    run_worker()

    page = client_of(owner).get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert 'id="job-error"' in page
    assert "No such file" in page
    assert "Run again" in page


def test_the_command_line_import_runs_in_the_worker(run_worker, tmp_path):
    package = tmp_path / "cases.zip"
    package.write_bytes(good_package().read())
    out = io.StringIO()
    call_command("import_cases", str(package), "--background", stdout=out)
    assert "Queued as job" in out.getvalue()
    assert not m.Incident.objects.filter(external_id="ngo:7").exists()

    run_worker()

    job = Job.objects.get(kind=JobKind.IMPORT)
    assert job.state == JobState.DONE, job.error
    assert m.Incident.objects.get(external_id="ngo:7").title == "A raid"


def test_staff_see_their_own_jobs_superusers_all(run_worker):
    owner, colleague = staff("owner"), staff("colleague")
    for user in (owner, owner, colleague):
        client_of(user).post(reverse("admin:exchange-export"))
    client = client_of(owner)
    assert (
        reverse("admin:jobs_job_changelist") in client.get(reverse("admin:index")).content.decode()
    )
    mine = client.get(reverse("admin:jobs_job_changelist"))
    assert mine.context["cl"].result_count == 2
    everyone = client_of(staff("admin", superuser=True)).get(reverse("admin:jobs_job_changelist"))
    assert everyone.context["cl"].result_count == 3


def test_job_pages_query_counts(run_worker, django_assert_num_queries):
    owner = staff("owner")
    client = client_of(owner)
    for _ in range(5):
        client.post(reverse("admin:exchange-export"))
    run_worker()
    job = Job.objects.filter(owner=owner).first()
    client.get(reverse("admin:jobs_job_changelist"))  # warm the content types' cache
    with django_assert_num_queries(8):
        assert client.get(reverse("admin:jobs_job_changelist")).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(job.get_absolute_url()).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("admin:exchange-export")).status_code == 200


def test_unreadable_files_are_reported_not_a_server_error(run_worker):
    owner = staff("owner")
    not_a_zip = SimpleUploadedFile("package.zip", b"this is not a zip file")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("incidents.csv", "id,title\nngo:1,Caf\xe9\n".encode("latin-1"))
    latin1 = SimpleUploadedFile("package.zip", buffer.getvalue())
    client = client_of(owner)
    for file in (not_a_zip, latin1):
        client.post(reverse("admin:exchange-import"), {"file": file})
    run_worker()

    for job in Job.objects.all():
        assert job.state == JobState.DONE
        assert "cannot be read" in client.get(job.get_absolute_url()).content.decode()
    assert not m.Incident.objects.exists()
