from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW_IDENTITY = "view_identity", _("Viewed protected identities")
    SEARCH = "search", _("Searched in the admin")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOGOUT = "logout", _("Logged out")
    PERMISSION_CHANGE = "permission_change", _("Changed permissions")
    MFA_VERIFIED = "mfa_verified", _("Gave the second factor")
    MFA_FAILED = "mfa_failed", _("Second factor refused")
    MFA_ENROLLED = "mfa_enrolled", _("Added a second factor")
    RECOVERY_CODE_USED = "recovery_code_used", _("Used a recovery code")
    LOGOUT_EVERYWHERE = "logout_everywhere", _("Logged out everywhere")


class AuditEvent(models.Model):
    """One thing a person did that the trail keeps: who, when, what and from where.

    Rows are only ever added: a database trigger refuses every UPDATE and DELETE (and a
    TRUNCATE, see migration 0001), whichever role the application connects as.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No foreign-key constraint, and nothing done when the user is deleted: the row keeps
    # the id and the username it was written with.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=30, choices=AuditAction.choices, db_index=True)
    what = models.CharField(
        max_length=300, blank=True, default="", help_text=_("The kind of record, or the page.")
    )
    object_ids = models.JSONField(
        default=list, blank=True, help_text=_("The records read or changed, by id.")
    )
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "action", "at"])]

    def __str__(self) -> str:
        who = self.username or gettext("anonymous")
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who}: {self.get_action_display()}"
