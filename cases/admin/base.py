"""What every ModelAdmin shares: who created and changed a row, and the standard fieldsets."""

from django.contrib import admin

from cases.models.base import Tracked

RECORD_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
PUBLICATION_FIELDS = ("publication_status", "confidentiality", "withdrawal_reason")


def stamp(instance, user) -> None:
    """Record who created and last changed a Tracked row; other rows are left alone."""
    if not isinstance(instance, Tracked):
        return
    if instance._state.adding:
        instance.created_by = user
    instance.updated_by = user


class TrackedAdmin(admin.ModelAdmin):
    """Stamps created_by/updated_by on the object and on every inline row it saves."""

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if issubclass(self.model, Tracked):
            readonly += tuple(f for f in RECORD_FIELDS if f not in readonly)
        return readonly

    def save_model(self, request, obj, form, change):
        stamp(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            stamp(instance, request.user)
            instance.save()
        formset.save_m2m()


def record_fieldset():
    return ("Record", {"classes": ["collapse"], "fields": RECORD_FIELDS})


def publication_fieldset():
    return ("Publication", {"fields": PUBLICATION_FIELDS})
