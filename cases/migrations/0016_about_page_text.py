"""The About page's own text, as it stood in templates/cases/about.html, now a published
SitePage that staff edit in the admin (the meanings of the statuses and grades stay
computed from the models' choices, cases/browse.py)."""

from django.db import migrations
from django.utils import timezone

BODY = """This site is an instance of the IHL Case Database, open-source software (GNU Affero General Public License, version 3 or later) for recording violations of international humanitarian law, the law they engage and what was done about them. Its records are written by the staff who run it: researchers and editors enter them, and reviewers check them.

Nothing reaches these pages unreviewed. A reviewer publishes a record, and never one whose last change was their own. A published record does not change without review: an edit waits until another reviewer approves it, and a reviewer withdraws a record to retract it, giving the reason. A withdrawn record's page says so and gives the reason.

Only published records are shown. Drafts, records in review and confidential records are not, and victims and witnesses are never named. The same records are available to partner organisations through the API (/api/v1/)."""


def create(apps, schema_editor):
    SitePage = apps.get_model("cases", "SitePage")
    page, created = SitePage.objects.get_or_create(
        slug="about",
        defaults={
            "title": "Who runs it and what it publishes",
            "body": BODY,
            "publication_status": "published",
            "confidentiality": "public",
        },
    )
    if created:
        # Its first version, as a save in the admin writes one: its history starts here.
        History = apps.get_model("cases", "HistoricalSitePage")
        kept = {f.attname for f in History._meta.concrete_fields}
        values = {
            f.attname: getattr(page, f.attname)
            for f in SitePage._meta.concrete_fields
            if f.attname in kept
        }
        History.objects.create(
            **values,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="The About page's text, as the templates had it",
        )


def remove(apps, schema_editor):
    apps.get_model("cases", "SitePage").objects.filter(slug="about").delete()
    apps.get_model("cases", "HistoricalSitePage").objects.filter(slug="about").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_site_pages")]

    operations = [migrations.RunPython(create, remove)]
