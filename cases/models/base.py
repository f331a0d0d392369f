"""What every record shares: who made it and when, and whether the public may see it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
)

from cases.edtf import EDTFField


class History(HistoricalRecords):
    """django-simple-history's versions, indexed for how they are read: a record's versions
    by its id (the history page), and the versions of a record's parts by the field naming
    the record, `parents` (services.last_editor()). The live table's other indexes (status,
    timestamps, external id, references) are not copied: nothing searches old versions by
    them, and each would be updated by every save and every imported row."""

    def __init__(self, *args, parents: tuple[str, ...] = (), **kwargs):
        self.parents = set(parents)
        super().__init__(*args, **kwargs)

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        indexed = {model._meta.pk.name, *self.parents}
        for name, field in fields.items():
            field.db_index = name in indexed
            if isinstance(field, EDTFField):
                # A version keeps the bounds its record had, copied with the text: parsing
                # the text again (~40 ms) would only find the same.
                field.derives_bounds = False
        return fields

    def get_change_reason_for_object(self, instance, history_type, using):
        # A change set's approval names itself in every version it writes
        # (cases.admin.changesets.replay sets it for the duration of a replay).
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or getattr(self.context, "change_reason", None)

    def create_historical_record_m2ms(self, history_instance, instance):
        """The library's (django-simple-history 3.13), with the record that was saved,
        `instance`, where it rebuilds the record from its version (one query a save, for
        the fields history excludes, an incident's search vector among them, only to name
        the link model) and joins it again to each link row (all its columns): the same
        link rows are written (tests/test_history_m2m.py compares them)."""
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            through_model_field_names = [f.name for f in through_model._meta.fields]
            through_field_name = field.m2m_field_name()
            others = [
                f.name
                for f in through_model._meta.fields
                if isinstance(f, models.ForeignKey) and f.name != through_field_name
            ]
            rows = through_model.objects.filter(**{through_field_name: instance})
            insert_rows = []
            for row in rows.select_related(*others):
                through_model._meta.get_field(through_field_name).set_cached_value(row, instance)
                insert_row = {"history": history_instance}
                for field_name in through_model_field_names:
                    insert_row[field_name] = getattr(row, field_name)
                insert_rows.append(m2m_history_model(**insert_row))
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        """simple-history records a version of `instance` whichever side of the many-to-many
        it is on; changed from the other side (`incident.actions.remove(action)`), that is
        the wrong model, and fails. Record a version of each record whose field changed."""
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        cleared = f"_history_cleared_{attr}"
        if action == "pre_clear":  # which records lose the link is unknown after it
            setattr(instance, cleared, list(self.cls.objects.filter(**{attr: instance})))
        elif action in ("post_add", "post_remove", "post_clear"):
            records = (
                getattr(instance, cleared, [])
                if action == "post_clear"
                else self.cls.objects.filter(pk__in=pk_set)
            )
            for record in records:
                super().m2m_changed(record, action, attr, pk_set, False, **kwargs)


_UNNAMED: dict[tuple, frozenset[str]] = {}


def _unnamed_fields(model, constraint: models.CheckConstraint) -> frozenset[str]:
    """The fields of `model` that a check constraint's condition does not name."""
    key = (model, constraint.name)  # a constraint is not hashable; its name is unique
    if key not in _UNNAMED:
        named = Q(constraint.condition).referenced_base_fields
        fields = model._meta.local_concrete_fields
        unnamed = {f.name for f in fields if f.name not in named and f.attname not in named}
        _UNNAMED[key] = frozenset(unnamed | ({"pk"} - named))
    return _UNNAMED[key]


class ChecksNamedFields:
    """Model.validate_constraints() as Django's, but each CheckConstraint is given only the
    fields its condition names. Django resolves every field of the row as an expression
    for each check, an incident's generated search vector in five languages included (~5 ms
    a record for its five checks), though the database's answer reads only the named ones:
    the same query, the same result, the same errors (tests/test_constraints_named.py)."""

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                skipped = exclude
                if type(constraint) is models.CheckConstraint:
                    skipped = exclude | _unnamed_fields(model_class, constraint)
                try:
                    constraint.validate(model_class, self, exclude=skipped, using=using)
                except ValidationError as e:
                    # As Django groups them (Model.validate_constraints).
                    if getattr(e, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (staff only)")
    CONFIDENTIAL = "confidential", _("Confidential")


class Tracked(ChecksNamedFields, models.Model):
    """Created and last changed: when and by whom; an id for exchange."""

    # Stable across databases, so a re-import updates a record instead of duplicating it.
    # NULL, not "", when absent: many records have none and it is unique.
    external_id = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A stable identifier for exchange with other systems (e.g. acled:UKR12345)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # Set on an instance before a save to give its history version a reason
    # (django-simple-history reads it); declared for the type checker.
    _change_reason: str

    class Meta:
        abstract = True


class SyncStamped(models.Model):
    """A record of the public API: when it, or anything its API representation shows, last
    changed. Written by database triggers on every table it shows (migration 0010,
    docs/api.md "Incremental sync"), whichever path writes: `updated_since` reads only this
    indexed column. Bookkeeping, not content: each model's History excludes it."""

    changed_at = models.DateTimeField(
        db_default=Now(),
        editable=False,
        db_index=True,
        help_text=_(
            "When the record or anything shown with it last changed (kept by the database)."
        ),
    )

    class Meta:
        abstract = True


PUBLIC_Q = Q(publication_status=PublicationStatus.PUBLISHED, confidentiality=Confidentiality.PUBLIC)


class PublishableQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: published and not confidential. The only such rule."""
        return self.filter(PUBLIC_Q)


class Publishable(Tracked):
    publication_status = models.CharField(
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    confidentiality = models.CharField(
        max_length=20, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    withdrawal_reason = models.TextField(
        blank=True, default="", help_text=_("Shown to the public when the record is withdrawn.")
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return (
            self.publication_status == PublicationStatus.PUBLISHED
            and self.confidentiality == Confidentiality.PUBLIC
        )
