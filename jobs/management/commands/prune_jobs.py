"""manage.py prune_jobs: delete expired uploads and exports; queue again the jobs whose
worker died. Run it hourly (cron or a systemd timer; docs/operations.md)."""

from django.core.management.base import BaseCommand

from jobs.services import prune_jobs


class Command(BaseCommand):
    help = (
        "Delete the files of expired jobs (IHL_JOB_FILES_HOURS) and queue again the jobs "
        "left running by a worker that stopped."
    )

    def handle(self, *args, **options):
        pruned, stalled = prune_jobs()
        self.stdout.write(f"{pruned} expired files deleted, {stalled} stalled jobs queued again.")
