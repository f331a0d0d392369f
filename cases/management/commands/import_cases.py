"""manage.py import_cases PATH [--dry-run] [--create-vocabulary]: see docs/exchange.md."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.models import AuditAction
from audit.record import record, system_user
from cases.exchange.importer import import_path
from jobs.services import start_import


class Command(BaseCommand):
    help = (
        "Import records in the exchange format (a .zip or directory of CSV files, or .ndjson). "
        "Every row is validated; any problem and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--create-vocabulary",
            action="store_true",
            help="Add states, instruments, provisions and categories the database lacks "
            "(otherwise an unknown term is an error).",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the import for the worker (manage.py db_worker) and return; the "
            "admin's Jobs page shows its progress and report.",
        )

    def handle(self, *args, path, dry_run, create_vocabulary, background, **options):
        if background:
            if dry_run:
                raise CommandError("--background imports; check a file with --dry-run alone.")
            try:
                job = start_import(path=path, create_vocabulary=create_vocabulary)
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Queued as job {job.pk}: /admin/jobs/job/{job.pk}/")
            return
        with tqdm(unit=" rows", disable=options["verbosity"] < 1, file=self.stderr) as bar:
            try:
                report = import_path(
                    path, dry_run=dry_run, create_vocabulary=create_vocabulary, progress=bar.update
                )
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        record(
            AuditAction.IMPORT,
            what=path,
            username=system_user(),
            detail={"stage": "dry run" if dry_run else "command line", "ok": report.ok},
        )
        self.stdout.write(report.summary())
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            if report.more_problems:
                self.stderr.write(f"... and {report.more_problems} more problems.")
            raise CommandError(
                f"Nothing was imported: {len(report.problems) + report.more_problems} problems."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))
