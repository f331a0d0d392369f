"""manage.py rotate_encryption_key: seal every protected value again with new data keys.

After IHL_ENCRYPTION_KEY changes (the old key moved to IHL_ENCRYPTION_PREVIOUS_KEYS), or to
replace the data keys alone. Resumable: a killed run goes on where it stopped.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt every protected identity and contact, and their history, with a new data "
        "key per table wrapped by the current IHL_ENCRYPTION_KEY; then delete the old data "
        "keys. Resumable. --new-key prints a new key-encryption key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new key for IHL_ENCRYPTION_KEY."
        )

    def handle(self, *args, batch_size: int, new_key: bool, **options):
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        rows = 0
        try:
            for model in crypto.encrypted_models():
                target = crypto.rotation_target(model)
                todo = model.objects.filter(
                    crypto.stale(model, target.pk), pk__gt=target.rotated_through
                ).count()
                with tqdm(
                    total=todo,
                    desc=model._meta.db_table,
                    unit="rows",
                    file=sys.stderr,
                    disable=options["verbosity"] == 0,
                ) as bar:
                    for done in crypto.reseal(model, target, batch_size=batch_size):
                        bar.update(done)
                        rows += done
        except crypto.EncryptionKeyError as error:
            raise CommandError(str(error)) from None
        crypto.forget_keys()
        self.stdout.write(
            f"Re-encrypted {rows:,} rows. Only the current key (id "
            f"{next(iter(crypto.keks()))}) opens them now: remove "
            "IHL_ENCRYPTION_PREVIOUS_KEYS."
        )
