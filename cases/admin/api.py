"""The partner API's keys, and tombstones of deleted records (written by the code only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import models as m

from .base import FORMFIELD_OVERRIDES


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ("name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    list_select_related = ("created_by",)
    search_fields = ("name", "prefix", "note")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    fields = ("name", "note", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    actions = ("revoke",)

    def save_model(self, request, obj, form, change):
        raw_key = None
        if not change:
            obj.created_by = request.user
            raw_key = obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw_key:
            # Only the hash is stored: this is the one time anyone sees the key.
            messages.warning(
                request, gettext("The new key, shown only now: %(key)s") % {"key": raw_key}
            )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.active():
            key.revoke()


@admin.register(m.Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ("resource", "object_id", "reason", "removed_at")
    search_fields = ("object_id",)
    list_filter = ("resource", "reason")
    date_hierarchy = "removed_at"
    ordering = ("-removed_at", "-pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
