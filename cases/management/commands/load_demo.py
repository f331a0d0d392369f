"""manage.py load_demo: load the small real demo dataset (idempotent)."""

from django.core.management.base import BaseCommand

from cases.demo import load_demo
from cases.search import refresh_search_words


class Command(BaseCommand):
    help = (
        "Load a small real dataset (the ICC warrants of 2023 and 2024, the law they engage, "
        "their sources), published. Safe to run again: it changes nothing that is current."
    )

    def handle(self, *args, **options):
        loader = load_demo()
        refresh_search_words()  # the words "Did you mean …" may suggest
        if options["verbosity"] < 1:
            return
        for model in sorted(set(loader.created) | set(loader.changed)):
            self.stdout.write(
                f"{model}: {loader.created[model]} created, {loader.changed[model]} changed"
            )
        if not loader.created and not loader.changed:
            self.stdout.write("Demo data already up to date: nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
