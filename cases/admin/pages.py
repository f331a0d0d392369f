"""The site's own pages (About), written by staff in the admin. A SitePage has a
publication status, so it is reviewed like every record (PublishableAdmin): a new page is
a draft, and an edit of a published one waits in the editor's change set until another
reviewer approves it (docs/change-sets.md)."""

from django.contrib import admin

from cases import models as m

from .base import publication_fieldset, record_fieldset
from .translations import TranslatedTextsAdmin
from .workflow import PublishableAdmin


@admin.register(m.SitePage)
class SitePageAdmin(TranslatedTextsAdmin, PublishableAdmin):
    list_display = ("title", "slug", "publication_status", "updated_at")
    list_select_related = ()
    search_fields = ("title", "slug", "body")
    list_filter = ("publication_status",)
    ordering = ("slug", "pk")
    fieldsets = (
        (None, {"fields": ("slug", "title", "body")}),
        publication_fieldset(),
        record_fieldset(),
    )
