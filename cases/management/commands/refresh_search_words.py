"""Rebuild the words that "Did you mean …" may suggest, from the public incidents."""

from django.core.management.base import BaseCommand

from cases.search import refresh_search_words
from jobs.models import JobKind
from jobs.services import start_job


class Command(BaseCommand):
    help = (
        "Rebuild the table of words of the public search documents (cases_searchword) that "
        "the search page suggests for misspelled words. Run after loading or importing "
        "data and after publishing or withdrawing records (for example hourly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue it for the worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, background, **options):
        if background:
            job = start_job(kind=JobKind.SEARCH_WORDS)
            self.stdout.write(f"Queued as job {job.pk}: /admin/jobs/job/{job.pk}/")
            return
        words = refresh_search_words()
        self.stdout.write(f"{words} words of the public incidents kept for suggestions.")
