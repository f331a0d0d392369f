"""Rebuild the words that "Did you mean …" may suggest, from the public incidents."""

from django.core.management.base import BaseCommand

from cases.search import refresh_search_words


class Command(BaseCommand):
    help = (
        "Rebuild the table of words of the public search documents (cases_searchword) that "
        "the search page suggests for misspelled words. Run after loading or importing "
        "data and after publishing or withdrawing records (for example hourly)."
    )

    def handle(self, *args, **options):
        words = refresh_search_words()
        self.stdout.write(f"{words} words of the public incidents kept for suggestions.")
