from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    """The domain app. What sync needs (stamps, tombstones) and the publication generation
    of the cache are kept by database triggers (migrations 0010, 0019), whichever path
    writes. One signal: after `migrate` (a release) a new generation, so that no page
    rendered by the code before is served after (cases/cache.py)."""

    default = True  # "cases" in INSTALLED_APPS means this one, not CasesAdminConfig
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.cache import bump_publication_generation

        post_migrate.connect(bump_publication_generation, sender=self)


class CasesAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site is ours (it adds the exchange pages)."""

    default = False
    default_site = "cases.admin_site.CasesAdminSite"
