from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CasesConfig(AppConfig):
    """The domain app. It connects no signals: what sync needs (stamps, tombstones) is kept
    by database triggers (migration 0010), whichever path writes."""

    default = True  # "cases" in INSTALLED_APPS means this one, not CasesAdminConfig
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"


class CasesAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site is ours (it adds the exchange pages)."""

    default = False
    default_site = "cases.admin_site.CasesAdminSite"
