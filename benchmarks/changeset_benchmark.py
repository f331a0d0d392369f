"""Benchmark of approving a change set of 50 edits, against the same edits saved without
one, in one run. Not a test.

Run it against a database of its own (it empties the cases tables first):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_changeset_bench \\
        .venv/bin/python benchmarks/changeset_benchmark.py [--records 50] [--rounds 5]

It loads the demo data and adds N published incidents, each with an involvement, a legal
qualification and a citation (so each admin form has inlines, as real ones do). Then, in
each round, a researcher edits the N titles in the admin (the change form read and posted
through Django's test client: each edit is kept in the change set) and submits it, and
the same change set is measured three ways:
  - plain saves: Incident.save() of each of the N records with its new title (history
    included), in one transaction rolled back: the floor;
  - replays: each kept form replayed through its admin page (cases.admin.changesets.replay:
    the admin's own validation and save of the record, its inlines, history and search
    names), in one transaction rolled back: what saving the same edits directly costs;
  - approval: cases.changesets.approve() as a reviewer: the conflict checks, the same
    replays, one updated_at for every record, committed.
It prints each round and the medians: the approval's time, its queries, and its ratio to
the replays (the change set's own cost) and to the plain saves. Target: approval < 2 s.

To compare two versions of the code on the very same change set, in one run (the load of
a shared machine changes from minute to minute): `--rolled-back` enters and submits one
change set, approves it in a transaction rolled back at each round, and leaves it
submitted, printing its id; `--change-set ID` then measures that change set again without
entering anything, and `--tree DIR` measures the code of another tree (a `git archive` of
the code before a change) with this script. Run the two trees alternately:

    git archive main | tar -x -C /tmp/before
    .venv/bin/python benchmarks/changeset_benchmark.py --rolled-back --rounds 1  # id 7
    for i in 1 2 3; do for tree in /tmp/before .; do
        .venv/bin/python benchmarks/changeset_benchmark.py --change-set 7 --rounds 2 \
            --tree $tree | tail -4; done; done
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# --tree DIR: the code measured is that tree's (this script's helpers included).
_tree = sys.argv[sys.argv.index("--tree") + 1] if "--tree" in sys.argv[:-1] else None
sys.path.insert(0, str(Path(_tree or Path(__file__).resolve().parent.parent).resolve()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG keeps every query in memory: a cost production does not pay.
settings.DEBUG = False
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases import changesets  # noqa: E402
from cases import models as m  # noqa: E402
from cases.admin.changesets import replay  # noqa: E402
from cases.edtf import edtf_bounds  # noqa: E402
from cases.models.changesets import ChangeSet  # noqa: E402
from tests.demo_data import clear_cases_tables  # noqa: E402
from tests.test_admin import current_data  # noqa: E402


def users() -> tuple[User, User]:
    made = []
    for name in ("researcher", "reviewer"):
        user, _ = User.objects.get_or_create(username=f"bench-{name}", defaults={"is_staff": True})
        user.groups.add(Group.objects.get(name=name))
        made.append(user)
    return made[0], made[1]


def log_in(client: Client, user: User) -> None:
    """Logged in with a second factor given, as the admin requires of staff (the tests'
    force_login does the same: tests/conftest.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="benchmark", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def incidents(count: int) -> list[m.Incident]:
    """N published incidents with one part of each kind the demo's have."""
    actor = m.Actor.objects.public().order_by("pk").first()
    provision = m.Provision.objects.public().order_by("pk").first()
    source = m.Source.objects.public().order_by("pk").first()
    made = []
    for n in range(count):
        incident = m.Incident.objects.create(
            title=f"Benchmark incident {n}",
            summary="An incident of the change-set benchmark.",
            date=f"2022-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            country_id="UA",
            publication_status=m.PublicationStatus.PUBLISHED,
        )
        m.Involvement.objects.create(incident=incident, actor=actor, role="direct_perpetrator")
        m.LegalQualification.objects.create(incident=incident, provision=provision)
        m.Citation.objects.create(incident=incident, source=source, pinpoint="para. 1")
        made.append(incident)
    return made


def edit_titles(client: Client, records: list[m.Incident], round_: int) -> ChangeSet:
    for incident in records:
        address = reverse("admin:cases_incident_change", args=[incident.pk])
        data = current_data(client.get(address))
        data["title"] = f"Benchmark incident {incident.pk}, edit {round_}"
        response = client.post(address, data)
        if response.status_code != 302:
            sys.exit(f"the edit of {incident} was refused ({response.status_code})")
    return ChangeSet.objects.filter(status="open").get()


@contextmanager
def counted():
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield queries


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, if it runs here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timing:
    """Wall time, and the CPU seconds of this process and of its PostgreSQL backend: on a
    busy machine (2 CPUs shared) the CPU varies less than the wall time, and their sum is
    about what the wall time is on a quiet one."""

    def __enter__(self):
        # A reviewer approves in another process than the one the edits were entered in.
        edtf_bounds.cache_clear()
        self.backend = backend_cpu()
        self.cpu, self.started = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.cpu
        self.backend = backend_cpu() - self.backend if self.backend is not None else 0.0
        return False

    @property
    def total_cpu(self) -> float:
        return self.cpu + self.backend

    def __str__(self) -> str:
        return f"{self.wall:.2f} s (CPU {self.cpu:.2f} s + PostgreSQL {self.backend:.2f} s)"


def rolled_back(work) -> Timing:
    with transaction.atomic():
        with Timing() as timing:
            work()
        transaction.set_rollback(True)
    return timing


def plain_saves(change_set: ChangeSet) -> Timing:
    changes = list(change_set.changes.all())
    records = {
        str(r.pk): r for r in m.Incident.objects.filter(pk__in=[c.object_id for c in changes])
    }

    def work():
        for change in changes:
            record = records[change.object_id]
            record.title = change.form_data["title"][0]
            record.save()

    return rolled_back(work)


def replays(change_set: ChangeSet) -> Timing:
    changes = list(change_set.changes.select_related("content_type", "author"))
    return rolled_back(lambda: [replay(change, change_set) for change in changes])


def approve(change_set: ChangeSet, reviewer: User, rolled_back: bool) -> tuple[Timing, int]:
    """The approval committed (its commit measured too), or rolled back (its commit's
    deferred checks then not run)."""
    if not rolled_back:
        with Timing() as approval, counted() as queries:  # its own queries not counted
            changesets.approve(change_set=change_set, reviewer=reviewer)
        return approval, queries[0]
    with transaction.atomic():
        with Timing() as approval, counted() as queries:
            changesets.approve(change_set=change_set, reviewer=reviewer)
        transaction.set_rollback(True)
    return approval, queries[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rolled-back", action="store_true", help="one change set, kept")
    parser.add_argument("--change-set", type=int, help="measure this submitted one again")
    parser.add_argument("--tree", help="measure the code of this tree")
    args = parser.parse_args()
    database = connection.settings_dict["NAME"]
    if "bench" not in database or database == "ihl_bench":
        sys.exit(f"Use a database of its own with 'bench' in its name (not {database}).")
    setup_test_environment()  # the test client's templates and context, as in the tests
    if args.change_set is None:
        call_command("migrate", verbosity=0)
        clear_cases_tables()
        call_command("load_demo", verbosity=0)
        records = incidents(args.records)
    researcher, reviewer = users()
    client = Client()
    log_in(client, researcher)
    kept = None
    if args.change_set is not None:
        kept = ChangeSet.objects.get(pk=args.change_set, status="submitted")
        args.records = kept.changes.count()
    print(f"{args.records} published incidents, each with an involvement, a qualification "
          f"and a citation; {args.rounds} rounds; code of {sys.path[0]}")  # fmt: skip

    results = []
    for round_ in range(1, args.rounds + 1):
        started = time.perf_counter()
        change_set = kept
        if change_set is None:
            change_set = edit_titles(client, records, round_)
            changesets.submit(change_set=change_set, user=researcher)
        entered = time.perf_counter() - started
        if args.rolled_back or args.change_set is not None:
            kept = change_set
        floor = plain_saves(change_set)
        baseline = replays(change_set)
        approval, queries = approve(change_set, reviewer, rolled_back=kept is not None)
        results.append((floor, baseline, approval, queries))
        print(f"round {round_}: {args.records} edits entered in {entered:.1f} s")
        print(f"  plain saves {floor}")
        print(f"  replays     {baseline}")
        print(f"  approval    {approval}, {queries} queries")

    def median(index: int, value) -> float:
        return statistics.median(value(r[index]) for r in results)

    wall = [median(i, lambda t: t.wall) for i in range(3)]
    cpu = [median(i, lambda t: t.total_cpu) for i in range(3)]
    queries = statistics.median(r[3] for r in results)
    print(f"median of {args.rounds} rounds, {args.records} records (target: approval < 2 s):")
    print(f"  approval {wall[2]:.2f} s wall, {cpu[2]:.2f} s CPU (process + PostgreSQL), "
          f"{queries:.0f} queries")  # fmt: skip
    for name, index in (("replays without a change set", 1), ("plain saves", 0)):
        print(f"  {name} {wall[index]:.2f} s wall, {cpu[index]:.2f} s CPU: approval / "
              f"{name.split(' without')[0]} = {wall[2] / wall[index]:.2f} wall, "
              f"{cpu[2] / cpu[index]:.2f} CPU")  # fmt: skip
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if kept is not None:
        print(f"  change set {kept.pk}, still submitted: --change-set {kept.pk}")


if __name__ == "__main__":
    main()
