"""Victims and witnesses. Never public: no public queryset, page, API, index or export.

A ProtectedPerson carries only a pseudonym and a role; who they are and how to reach them
sit in their own tables, readable only with the `cases.view_protected_identity` permission.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import History, Tracked
from .incidents import Incident


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

    class Meta:
        verbose_name_plural = _("protected persons")
        permissions = [
            ("view_protected_identity", "Can see protected persons' identities and contacts"),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ProtectedIdentity(Tracked):
    person = models.OneToOneField(
        ProtectedPerson, on_delete=models.CASCADE, related_name="identity"
    )
    full_name = models.CharField(max_length=300)
    other_names = models.TextField(blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=100, blank=True, default="")
    notes = models.TextField(blank=True, default="")

    history = History()

    class Meta:
        verbose_name_plural = _("protected identities")

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
    value = models.CharField(max_length=500)
    note = models.TextField(blank=True, default="")

    history = History()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person}"
