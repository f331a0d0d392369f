"""The partner API's own records: API keys, and tombstones of deleted records for sync."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from .actions import AccountabilityAction
from .actors import Actor
from .incidents import Incident
from .law import Instrument, Provision, State, ViolationCategory
from .sources import Source

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

    name = models.CharField(max_length=200, help_text="Who the key is for, e.g. the partner.")
    prefix = models.CharField(
        max_length=12, editable=False, help_text="The key's first characters, to recognise it."
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
        verbose_name = "API key"

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


class Tombstone(models.Model):
    """A public-API record that was deleted: lets partners' mirrors drop it.

    Unpublished and withdrawn records need no tombstone row: they still exist and the sync
    feed finds them by updated_at.
    """

    resource = models.CharField(max_length=30, help_text="The API resource, e.g. incidents.")
    object_id = models.CharField(max_length=40, help_text="The deleted record's id or code.")
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["resource", "deleted_at"], name="tombstone_resource_idx")]

    def __str__(self) -> str:
        return f"{self.resource} {self.object_id} deleted {self.deleted_at:%-d %B %Y %H:%M} UTC"


# The only signal receivers in the project (connected in CasesConfig.ready()), and they only
# record facts for sync: deletions happen in the admin, services and the shell, and a
# tombstone must be written (and the incidents that embedded a deleted action, the action
# that embedded a deleted event, marked changed) whichever path deletes the row. They
# change no other domain data.
TOMBSTONED = {
    Incident: ("incidents", "pk"),
    AccountabilityAction: ("actions", "pk"),
    Actor: ("actors", "pk"),
    Source: ("sources", "pk"),
    Instrument: ("instruments", "pk"),
    Provision: ("provisions", "pk"),
    ViolationCategory: ("categories", "slug"),
    State: ("states", "code"),
}


def record_tombstone(sender, instance, **kwargs) -> None:
    resource, key = TOMBSTONED[sender]
    Tombstone.objects.create(resource=resource, object_id=str(getattr(instance, key)))


def touch_incidents_of_action(sender, instance, **kwargs) -> None:
    """An incident embeds its actions: deleting one changes the incident for a mirror
    syncing with updated_since, whichever path deletes it. Before the delete, while the
    links still exist; update() changes updated_at and nothing else."""
    instance.incidents.update(updated_at=timezone.now())


def touch_both_sides_of_an_unlinked_action(sender, instance, action, reverse, pk_set, **kwargs):
    """An action and an incident embed each other: when a link between them goes, both
    change for a mirror. Marked before the link goes (it finds the records to mark), from
    either side: `action.incidents.remove(incident)` or `incident.actions.remove(action)`."""
    if action not in ("pre_remove", "pre_clear"):
        return
    if reverse:  # `instance` is an incident
        incidents = Incident.objects.filter(pk=instance.pk)
        actions = instance.actions.all()
        if pk_set is not None:
            actions = actions.filter(pk__in=pk_set)
    else:
        incidents = instance.incidents.all()
        if pk_set is not None:
            incidents = incidents.filter(pk__in=pk_set)
        actions = AccountabilityAction.objects.filter(pk=instance.pk)
    now = timezone.now()
    incidents.update(updated_at=now)
    actions.update(updated_at=now)


def touch_action_of_event(sender, instance, **kwargs) -> None:
    """An action embeds its events: deleting one changes the action for a mirror syncing
    with updated_since, whichever path deletes it (the action's own page saves the action
    anyway; an event's own page, the shell and services do not)."""
    AccountabilityAction.objects.filter(pk=instance.action_id).update(updated_at=timezone.now())
