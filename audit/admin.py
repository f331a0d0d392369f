"""The trail in the admin: read and filter it, and a page of unusual reads. Nobody can
add, change or delete a row here (the database refuses the last two anyway)."""

import datetime

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from .models import AuditAction, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "what", "ip_address", "path")
    list_filter = ("action", "at")
    search_fields = ("username", "what", "path", "ip_address")
    date_hierarchy = "at"
    list_per_page = 100
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    change_list_template = "admin/audit/auditevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        unusual = path(
            "unusual-reads/",
            self.admin_site.admin_view(self.unusual_reads_view),
            name="audit_auditevent_unusual",
        )
        return [unusual, *super().get_urls()]

    def unusual_reads_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Unusual reads"),
            "opts": self.model._meta,
            "limit": settings.AUDIT_UNUSUAL_READS_PER_DAY,
            "readers": identity_readers(days=1),
            "week": identity_readers(days=7),
            "failed_logins": failed_logins(days=1),
        }
        return TemplateResponse(request, "admin/audit/unusual_reads.html", context)


def identity_readers(*, days: int) -> list[dict]:
    """Who read how many different protected persons' identities in the last `days`,
    most first, each flagged when past the daily limit."""
    since = timezone.now() - datetime.timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.user_id, e.username, count(DISTINCT person.id), count(DISTINCT e.id),
                   max(e.at)
            FROM audit_auditevent e, jsonb_array_elements_text(e.object_ids) AS person(id)
            WHERE e.action = %s AND e.at >= %s
            GROUP BY e.user_id, e.username
            ORDER BY 3 DESC, 2
            """,
            [AuditAction.VIEW_IDENTITY, since],
        )
        rows = cursor.fetchall()
    limit = settings.AUDIT_UNUSUAL_READS_PER_DAY * days
    return [
        {
            "user_id": user_id,
            "username": username,
            "persons": persons,
            "views": views,
            "last": last,
            "unusual": persons > limit,
        }
        for user_id, username, persons, views, last in rows
    ]


def failed_logins(*, days: int) -> list[dict]:
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, at__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Count("pk"))
        .order_by("-failures", "username")[:50]
    )
