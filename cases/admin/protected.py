"""Protected persons: identities and contacts only with cases.view_protected_identity.

Every page that shows an identity or a contact is recorded in the audit trail, with the
persons it showed (audit/models.py).

Identities and contacts are sealed at rest (cases/crypto.py): names are searched through
their keyed hashes (ProtectedIdentity.objects.named), and a page that cannot open them for
want of the right key says so instead of failing (readable_key_errors).
"""

import logging
from functools import wraps

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import translation

from audit.models import AuditAction
from audit.record import record
from cases import crypto
from cases import models as m

from .base import StackedInline, TabularInline, TrackedAdmin

PROTECTED_IDENTITY_PERM = "cases.view_protected_identity"

logger = logging.getLogger(__name__)


def readable_key_errors(view):
    """A page of protected data that cannot be opened (the key missing or wrong) answers 503
    with a page that says so; what to configure goes to the log, for an administrator."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # the inlines' rows are read while rendering
            return response
        except crypto.EncryptionKeyError as error:
            logger.error("Protected data cannot be opened: %s", error)
            context = {**admin.site.each_context(request), "title": ""}
            page = "admin/cases/encryption_key_error.html"
            return TemplateResponse(request, page, context, status=503)

    return wrapper


class SealedAdmin(TrackedAdmin):
    """Every page of the admin of a model with sealed rows, or showing them in inlines."""

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback = readable_key_errors(pattern.callback)
        return urls

    def get_search_results(self, request, queryset, search_term):
        """Also the rows whose protected names have every word of the term, for those who
        may read them."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip() and request.user.has_perm(PROTECTED_IDENTITY_PERM):
            found |= queryset.filter(pk__in=self.named(search_term.strip()).values("pk"))
        return found, may_have_duplicates

    def named(self, text: str):
        return self.model.objects.none()


class ProtectedIdentityInline(StackedInline):
    model = m.ProtectedIdentity
    fields = ("full_name", "other_names", "date_of_birth", "nationality", "notes")
    extra = 0


class ProtectedContactInline(TabularInline):
    model = m.ProtectedContact
    fields = ("kind", "value", "note")
    extra = 0


@admin.register(m.ProtectedPerson)
class ProtectedPersonAdmin(SealedAdmin):
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

    def named(self, text: str):
        return m.ProtectedPerson.objects.named(text)

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


class IdentityPermissionAdmin(SealedAdmin):
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
    # Sealed columns neither sort nor filter: their stored text says nothing about them.
    list_display = ("person", "name", "country")
    deleted_select_related = ("person",)
    list_select_related = ("person",)
    search_fields = ("person__pseudonym",)
    list_filter = ("person__role",)
    autocomplete_fields = ("person",)
    ordering = ("person__pseudonym",)

    @admin.display(description=m.ProtectedIdentity._meta.get_field("full_name").verbose_name)
    def name(self, identity):
        return identity.full_name

    @admin.display(description=m.ProtectedIdentity._meta.get_field("nationality").verbose_name)
    def country(self, identity):
        return identity.nationality

    def named(self, text: str):
        return m.ProtectedIdentity.objects.named(text)


@admin.register(m.ProtectedContact)
class ProtectedContactAdmin(IdentityPermissionAdmin):
    list_display = ("person", "kind", "contact")
    deleted_select_related = ("person",)
    list_select_related = ("person",)
    # By their person's pseudonym, or by their value through its keyed hashes (named):
    # the values are sealed.
    search_fields = ("person__pseudonym",)
    list_filter = ("kind",)
    autocomplete_fields = ("person",)
    ordering = ("person__pseudonym", "pk")

    def named(self, text: str):
        return m.ProtectedContact.objects.named(text)

    @admin.display(description=m.ProtectedContact._meta.get_field("value").verbose_name)
    def contact(self, contact):
        return contact.value
