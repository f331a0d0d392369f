"""Victims and witnesses. Never public: no public queryset, page, API, index or export.

A ProtectedPerson carries only a pseudonym and a role; who they are and how to reach them
sit in their own tables, readable only with the `cases.view_protected_identity` permission,
and encrypted at rest there and in their history (cases/crypto.py).
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases import crypto

from .base import History, Tracked
from .incidents import Incident


def hashed_as(text: str) -> models.Q:
    """Rows whose hashes hold every word of `text` (normalised: case, accents, apostrophes),
    under one of the configured keys: during a rotation, the old key or the new."""
    found = models.Q(pk__in=[])
    for hashes in crypto.query_hashes(text):
        found |= models.Q(name_hashes__contains=hashes)
    return found


class ProtectedPersonQuerySet(models.QuerySet):
    def named(self, text: str) -> "ProtectedPersonQuerySet":
        """Persons whose identity has every word of `text` in its names, or one of whose
        contacts has every word of it (a phone number, an e-mail address)."""
        # Each side through its own GIN index, joined by UNION: an OR of two EXISTS would
        # test every person.
        by_name = ProtectedIdentity.objects.named(text).values("person_id")
        by_contact = ProtectedContact.objects.named(text).values("person_id")
        return self.filter(pk__in=by_name.union(by_contact))


class ProtectedPerson(Tracked):
    class Role(models.TextChoices):
        VICTIM = "victim", _("Victim")
        WITNESS = "witness", _("Witness")
        VICTIM_WITNESS = "victim_witness", _("Victim and witness")

    pseudonym = models.CharField(
        max_length=50, unique=True, help_text=_("The only name used outside this record: W-0042.")
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    incidents = models.ManyToManyField(Incident, blank=True, related_name="protected_persons")

    history = History(m2m_fields=["incidents"])

    objects = ProtectedPersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("protected persons")
        permissions = [
            ("view_protected_identity", "Can see protected persons' identities and contacts"),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ProtectedIdentityQuerySet(models.QuerySet):
    def named(self, text: str) -> "ProtectedIdentityQuerySet":
        """Identities with every word of `text` in their full or other names, found by
        keyed hashes: the names themselves are sealed."""
        return self.filter(hashed_as(text))


class ProtectedContactQuerySet(models.QuerySet):
    def named(self, text: str) -> "ProtectedContactQuerySet":
        """Contacts whose value has every word of `text` ("anna@example.org", "+380 67 123
        45 67" or "+380671234567"), found by keyed hashes: the values are sealed."""
        return self.filter(hashed_as(text))


class ProtectedIdentity(Tracked):
    person = models.OneToOneField(
        ProtectedPerson, on_delete=models.CASCADE, related_name="identity"
    )
    full_name = crypto.EncryptedCharField(max_length=300)
    other_names = crypto.EncryptedTextField(blank=True, default="")
    date_of_birth = crypto.EncryptedDateField(null=True, blank=True)
    nationality = crypto.EncryptedCharField(max_length=100, blank=True, default="")
    notes = crypto.EncryptedTextField(blank=True, default="")
    name_hashes = crypto.NameHashesField(sources=("full_name", "other_names"))

    history = History(excluded_fields=["name_hashes"])

    objects = ProtectedIdentityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("protected identities")
        indexes = [GinIndex(fields=["name_hashes"], name="protected_identity_name_hashes")]

    def __str__(self) -> str:
        return f"Identity of {self.person}"


class ProtectedContact(Tracked):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        ADDRESS = "address", _("Postal address")
        MESSENGER = "messenger", _("Messenger account")
        INTERMEDIARY = "intermediary", _("Through an intermediary")

    person = models.ForeignKey(ProtectedPerson, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = crypto.EncryptedCharField(max_length=500)
    note = crypto.EncryptedTextField(blank=True, default="")
    name_hashes = crypto.ContactHashesField(sources=("value",))

    history = History(excluded_fields=["name_hashes"])

    objects = ProtectedContactQuerySet.as_manager()

    class Meta:
        indexes = [GinIndex(fields=["name_hashes"], name="protected_contact_value_hashes")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person}"


class DataKey(models.Model):
    """A table's data key, wrapped by a key-encryption key that is not in the database
    (cases/crypto.py). Its table's values are sealed with it; a rotation makes a new one,
    re-seals every value, then deletes the others."""

    table = models.CharField(max_length=63)
    kek_id = models.CharField(
        max_length=16, help_text="Which key-encryption key wraps it (crypto.key_id)."
    )
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A rotation's progress, so that a killed run goes on where it stopped.
    rotating = models.BooleanField(default=False)
    rotated_through = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["table", "kek_id"], name="data_key_table_kek")]

    def __str__(self) -> str:
        return f"Data key {self.pk} of {self.table}"
