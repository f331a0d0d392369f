"""The partner API's own records: API keys, and tombstones of records that left the public
view, for sync."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "ihl_"


def hash_key(raw_key: str) -> str:
    """SHA-256 of the key. Keys are 256 random bits, so a fast hash is safe (no dictionary)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, raw_key: str) -> "ApiKey | None":
        """The active key matching `raw_key`, or None."""
        if not raw_key.startswith(KEY_PREFIX):
            return None
        return self.active().filter(key_hash=hash_key(raw_key)).first()


class ApiKey(models.Model):
    """A partner's key: higher rate limits. Only its hash is stored; it is shown once."""

    name = models.CharField(max_length=200, help_text=_("Who the key is for, e.g. the partner."))
    prefix = models.CharField(
        max_length=12, editable=False, help_text=_("The key's first characters, to recognise it.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(blank=True, default="")

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def set_new_key(self) -> str:
        """Generate a key, store its hash and return the key itself (shown only once)."""
        raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw_key[:12]
        self.key_hash = hash_key(raw_key)
        return raw_key

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class TombstoneReason(models.TextChoices):
    DELETED = "deleted", _("Deleted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Tombstone(models.Model):
    """A public-API record that left the public view: deleted, withdrawn or unpublished
    (back to draft, confidential, restricted; a provision with its instrument).

    Written by database triggers (migration 0010) when a record that was public stops
    being so, whichever path does it, and only then: a record that was never public has
    none. Removed again when the record becomes public again (or a new category or state
    takes the slug or code), so a mirror never deletes a record the lists return.
    """

    resource = models.CharField(max_length=30, help_text=_("The API resource, e.g. incidents."))
    object_id = models.CharField(max_length=40, help_text=_("The record's id or code."))
    reason = models.CharField(
        max_length=20, choices=TombstoneReason.choices, default=TombstoneReason.DELETED
    )
    removed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["resource", "removed_at"], name="tombstone_resource_idx")]

    def __str__(self) -> str:
        return (
            f"{self.resource} {self.object_id} {self.reason} {self.removed_at:%-d %B %Y %H:%M} UTC"
        )
