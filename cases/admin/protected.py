"""Protected persons: identities and contacts only with cases.view_protected_identity.

Every page that shows an identity or a contact is recorded in the audit trail, with the
persons it showed (audit/models.py).
"""

from django.contrib import admin
from django.utils import translation

from audit.models import AuditAction
from audit.record import record
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and request.user.has_perm(PROTECTED_IDENTITY_PERM):
            record_read(request, "protected person", [object_id])
        return response


def record_read(request, what: str, person_ids) -> None:
    record(AuditAction.VIEW_IDENTITY, what=what, object_ids=person_ids, request=request)


def english(name) -> str:
    """A model's (translated) name as the trail keeps it: in English whatever the reader's
    language, so that one search of the trail finds every read."""
    with translation.override("en"):
        return str(name)


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

    # The pages that show identities, each recorded with the persons it showed.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            persons = sorted({row.person_id for row in changelist.result_list})
            plural = english(self.model._meta.verbose_name_plural)
            record_read(request, f"list of {plural}", persons)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._record_one(request, object_id)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._record_one(request, object_id, "history of ")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            self._record_one(request, object_id, "an earlier version of ")
        return response

    def _record_one(self, request, object_id, prefix="") -> None:
        person_id = self.model.objects.filter(pk=object_id).values_list("person_id", flat=True)
        record_read(request, f"{prefix}{english(self.model._meta.verbose_name)}", list(person_id))


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
