from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The trail of who read, searched, exported, imported, logged in and changed whose
    permissions: written by the code that does these things, never changed after."""

    name = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit import signals

        signals.connect()
