"""Append synthetic incidents for benchmarks: `manage.py generate_demo --incidents N [--seed S]`.

Each run appends N incidents (with categories, involvements, legal qualifications, victim
counts, citations), one accountability action per 25 incidents (with subjects, charges and
a citation), a fresh set of actors and sources, and tombstones of the records among them
that were public and are not (withdrawn, deleted); states, instruments, provisions and
categories are reused. Timestamps are spread over six years back from the run. The same
seed gives the same content.

Measured (6 December 2026, a shared 2-core machine): 100,000 incidents (1,035,755 rows in
all) in 151 s, 6,874 rows/s, under a load of 1-3. On 10,000 incidents, in turn with the
code before actions and varied stamps (commit 91e2fd2) on fresh databases: 1,752, 1,674
and 3,396 rows/s before; 6,113, 5,352 and 14,371 rows/s after, under loads of 5.5, 5 and 2.
Part of the gain: before, the sync triggers (migration 0010) were on during the run, and
each COPY of a batch's involvements, qualifications, categories and citations stamped its
incidents again with an UPDATE (a new row version, its search vector computed again); the
generator now turns them off and writes the stamps they would have written. The old code
with the triggers turned off ran at 2,450 rows/s (one run, load 5.8): the rest of the
difference is not explained. Most of the time is PostgreSQL computing the generated
search vector and its GIN index (see cases/synthetic.py for the techniques).
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.synthetic import generate


class Command(BaseCommand):
    help = (
        "Append N synthetic incidents (realistic text, actors, law, sources) for benchmarks. "
        "Deterministic for a given --seed; each run adds another N."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, required=True, help="How many to add (> 0).")
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same data (default 0).")

    def handle(self, *args, incidents: int, seed: int, verbosity: int, **options):
        if incidents < 1:
            raise CommandError(f"--incidents must be a positive number, not {incidents}.")
        started = time.monotonic()
        with tqdm(
            total=incidents, unit="incidents", file=sys.stderr, disable=verbosity == 0
        ) as bar:
            result = generate(incidents=incidents, seed=seed, progress=bar.update)
        seconds = time.monotonic() - started
        if verbosity:
            self.stdout.write(
                f"Added {result.incidents} incidents, {result.actions} actions, "
                f"{result.actors} actors, {result.sources} sources, {result.tombstones} "
                f"tombstones ({result.rows} rows) in {seconds:.1f} s: "
                f"{result.incidents / seconds:.0f} incidents/s, {result.rows / seconds:.0f} rows/s."
            )
