"""Admin for partner API keys: create (the key is shown once), revoke. Never the key itself."""

from django.contrib import admin, messages
from django.utils import timezone

from cases.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "note"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["name", "note", *readonly_fields]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw_key = obj.set_new_key()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                f"The new API key for {obj.name} is {raw_key} — copy it now: "
                "it is stored hashed and cannot be shown again.",
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s).")

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of who had access stays
