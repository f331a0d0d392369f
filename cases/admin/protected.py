"""Protected persons: identities and contacts only with cases.view_protected_identity."""

from django.contrib import admin

from cases import models as m

from .base import StackedInline, TabularInline, TrackedAdmin

PROTECTED_IDENTITY_PERM = "cases.view_protected_identity"


class ProtectedIdentityInline(StackedInline):
    model = m.ProtectedIdentity
    fields = ("full_name", "other_names", "date_of_birth", "nationality", "notes")
    extra = 0


class ProtectedContactInline(TabularInline):
    model = m.ProtectedContact
    fields = ("kind", "value", "note")
    extra = 0


@admin.register(m.ProtectedPerson)
class ProtectedPersonAdmin(TrackedAdmin):
    list_display = ("pseudonym", "role", "updated_at")
    search_fields = ("pseudonym",)
    list_filter = ("role",)
    autocomplete_fields = ("incidents",)
    ordering = ("pseudonym",)
    identity_inlines = (ProtectedIdentityInline, ProtectedContactInline)

    def get_inlines(self, request, obj):
        if request.user.has_perm(PROTECTED_IDENTITY_PERM):
            return self.identity_inlines
        return ()

    def get_search_fields(self, request):
        if request.user.has_perm(PROTECTED_IDENTITY_PERM):
            return (*self.search_fields, "identity__full_name", "identity__other_names")
        return self.search_fields


class IdentityPermissionAdmin(TrackedAdmin):
    """Hidden, and every action refused, without cases.view_protected_identity."""

    def has_module_permission(self, request):
        return request.user.has_perm(PROTECTED_IDENTITY_PERM)

    def has_view_permission(self, request, obj=None):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = request.user.has_perm(PROTECTED_IDENTITY_PERM)
        return allowed and super().has_delete_permission(request, obj)


@admin.register(m.ProtectedIdentity)
class ProtectedIdentityAdmin(IdentityPermissionAdmin):
    list_display = ("person", "full_name", "nationality")
    deleted_select_related = ("person",)
    list_select_related = ("person",)
    search_fields = ("person__pseudonym", "full_name", "other_names")
    list_filter = ("nationality",)
    autocomplete_fields = ("person",)
    ordering = ("person__pseudonym",)


@admin.register(m.ProtectedContact)
class ProtectedContactAdmin(IdentityPermissionAdmin):
    list_display = ("person", "kind", "value")
    deleted_select_related = ("person",)
    list_select_related = ("person",)
    search_fields = ("person__pseudonym", "value")
    list_filter = ("kind",)
    autocomplete_fields = ("person",)
    ordering = ("person__pseudonym", "pk")
