"""Append synthetic incidents for benchmarks: `manage.py generate_demo --incidents N [--seed S]`.

Each run appends N incidents (with categories, involvements, legal qualifications, victim
counts, citations), one accountability action per 25 incidents (with subjects, charges and
a citation), a fresh set of actors and sources, and tombstones of the records among them
that were public and are not (withdrawn, deleted); states, instruments, provisions and
categories are reused. Timestamps are spread over six years back from the run. The same
seed gives the same content.

Measured: 100,000 incidents (1 million rows in all) in 7.5 minutes on a shared 2-core machine
under a load of 5-7; Python used 100 s of CPU, the rest is PostgreSQL computing the
generated search vector and its GIN index (see cases/synthetic.py for the techniques).
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
