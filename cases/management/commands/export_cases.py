"""manage.py export_cases PATH: every record staff can see, in the exchange format."""

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditAction
from audit.record import record, system_user
from cases.exchange.export import export


class Command(BaseCommand):
    help = (
        "Export all records (not protected persons) to PATH: .zip for CSV files, "
        ".ndjson or .jsonl for JSON lines. See docs/exchange.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            counts = export(path)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        record(AuditAction.EXPORT, what=path, username=system_user(), detail={"rows": counts})
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Exported {total} rows to {path}."))
