"""Contacts found by their value again (a phone number, an e-mail address): keyed hashes of
the value's words, and of a phone number's digits run together (crypto.ContactHashesField),
as identities are found by name since 0021 sealed the values. Existing contacts are hashed
here, from their values read through the sealed field (the configured key opens them); a
database without contacts needs no key. Reversible: backwards drops the column."""

import django.contrib.postgres.indexes
from django.db import migrations, models

import cases.crypto

BATCH = 500


def hash_existing_contacts(apps, schema_editor):
    contact_model = apps.get_model("cases", "ProtectedContact")
    changed = []
    for contact in contact_model.objects.only("pk", "value").iterator(chunk_size=BATCH):
        contact.name_hashes = cases.crypto.name_hashes(
            contact.value, tokens=cases.crypto.contact_tokens
        )
        changed.append(contact)
    contact_model.objects.bulk_update(changed, ["name_hashes"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0024_action_search_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="protectedcontact",
            name="name_hashes",
            field=cases.crypto.ContactHashesField(
                base_field=models.CharField(max_length=32), size=None, sources=("value",)
            ),
        ),
        migrations.RunPython(hash_existing_contacts, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="protectedcontact",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name_hashes"], name="protected_contact_value_hashes"
            ),
        ),
    ]
