"""manage.py import_acled PATH [--dry-run]: ACLED-style event CSV into draft incidents."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.exchange.acled import import_acled


class Command(BaseCommand):
    help = "Import an ACLED-style CSV of events as draft incidents (see docs/exchange.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Validate; write nothing.")

    def handle(self, *args, path, dry_run, **options):
        with tqdm(unit=" rows", disable=options["verbosity"] < 1, file=self.stderr) as bar:
            try:
                report = import_acled(path, dry_run=dry_run, progress=bar.update)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing was imported: {len(report.problems)} problems.")
        self.stdout.write("Dry run: nothing was written." if dry_run else "Imported.")
