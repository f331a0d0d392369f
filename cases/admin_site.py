"""The staff admin site: Django's, with a home page for daily work and the exchange pages
(import, export, data quality), which belong to no model, among its own URLs.

It is the default site (cases.apps.CasesAdminConfig), so `admin.site` and
`@admin.register` are this site. It lives outside the cases/admin package on purpose:
importing that package registers every ModelAdmin on `admin.site`, which must already
exist by then.
"""

from dataclasses import dataclass
from functools import update_wrapper

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.record import record, request_context
from cases.models import AccountabilityAction, Actor, Incident, Instrument, Source
from cases.models.base import PublicationStatus
from cases.models.changesets import EDITABLE, Change, ChangeKind, ChangeSet, ChangeSetStatus

# The home page lists the records staff work on, grouped by what they do; the rows
# edited on a record's page (involvements, citations, names...) are reached through it,
# and stay reachable by URL. A model a user may not see is left out of its group.
GROUPS = (
    (_("The facts"), "facts", ("incident", "accountabilityaction", "actor", "source")),
    (
        _("The law"),
        "law",
        (
            "instrument",
            "provision",
            "state",
            "violationcategory",
            "treatyevent",
            "securitycouncilreferral",
        ),
    ),
    (_("Change sets"), "changesets", ("changeset",)),
    (_("The site's pages"), "site", ("sitepage",)),
    (
        _("Protected persons"),
        "protected",
        ("protectedperson", "protectedidentity", "protectedcontact"),
    ),
    (_("Exchange"), "exchange", ("apikey", "tombstone")),
    (_("Accounts"), "auth", ("user", "group")),
    (_("Audit trail"), "audit", ("auditevent",)),
)
# The exchange pages (cases/admin/exchange.py): URL name, label, the permissions asked.
EXCHANGE_PAGES = (
    ("admin:exchange-import", _("Import records"), ("cases.add_incident", "cases.change_incident")),
    ("admin:exchange-export", _("Export everything"), ("cases.view_incident",)),
    ("admin:exchange-quality", _("Data quality"), ("cases.view_incident",)),
)
# The records with a publication status, and the fields their names are made of.
PUBLISHABLE = (
    (Incident, ("title",)),
    (AccountabilityAction, ("title",)),
    (Actor, ("name",)),
    (Source, ("title",)),
    (Instrument, ("short_title", "title")),
)
# Each list of the home page shows the most recent rows only.
HOME_LIST_SIZE = 15


@dataclass
class Draft:
    """An unpublished record of the user's, or an edit kept in their open change set."""

    label: str
    what: str
    status: str
    updated_at: object
    url: str
    change_set: object = None


class CasesAdminSite(admin.AdminSite):
    site_header = _("IHL Case Database")
    site_title = _("IHL Case Database staff")
    index_title = _("Home")
    index_template = "admin/cases/home.html"

    def admin_view(self, view, cacheable=False):
        """Every admin page runs in the audit trail's request context (audit/record.py), and
        a list searched with the search box is recorded."""

        def audited(request, *args, **kwargs):
            with request_context(request):
                response = view(request, *args, **kwargs)
                term = request.GET.get("q", "").strip()
                name = request.resolver_match and request.resolver_match.url_name
                if term and response.status_code == 200 and str(name).endswith("_changelist"):
                    record(
                        AuditAction.SEARCH,
                        what=name.removesuffix("_changelist"),
                        detail={"q": term},
                    )
            return response

        return super().admin_view(update_wrapper(audited, view), cacheable)

    def get_urls(self) -> list:
        from cases.admin.exchange import exchange_urls

        # Listed before Django's own "r/" URL, which it replaces (the first match wins).
        view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [view_on_site, *exchange_urls(self), *super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "View on site" redirect, for those who may view the record in the admin
        only: Django's own sends any staff member to any record's public address, which
        names a hidden record's slug."""
        try:
            content_type = ContentType.objects.get_for_id(content_type_id)
        except ContentType.DoesNotExist:
            raise Http404(_("No such kind of record.")) from None
        model = content_type.model_class()
        model_admin = self._registry.get(model)
        try:
            record = model_admin and model_admin.get_queryset(request).get(pk=object_id)
        except (model.DoesNotExist, ValueError, TypeError, ValidationError):
            record = None
        if not record or not model_admin.has_view_permission(request, record):
            raise Http404(_("No record you may view has this address."))
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def index(self, request, extra_context=None):
        user = request.user
        context = {
            "groups": self.groups(request),
            "my_drafts": my_drafts(user),
            "my_change_sets": my_change_sets(user),
            "recently_published": recently_published(),
            **(extra_context or {}),
        }
        if user.has_perm("cases.approve_changeset"):
            context["waiting_for_review"] = waiting_for_review(user)
        return super().index(request, context)

    def groups(self, request) -> list[dict]:
        """The models the user may see, in GROUPS, as Django's app list describes them."""
        models = {
            (app["app_label"], model["object_name"].lower()): model
            for app in self.get_app_list(request)
            for model in app["models"]
        }
        groups = []
        for name, key, model_names in GROUPS:
            app_label = key if key in ("auth", "audit") else "cases"
            rows = [models[app_label, n] for n in model_names if (app_label, n) in models]
            if key == "exchange":
                # Background jobs (jobs/: uploads' checks, exports): every staff member's own.
                rows += [models[k] for k in [("jobs", "job")] if k in models]
                rows += [
                    {
                        "name": label,
                        "object_name": url_name.split("-")[-1],
                        "admin_url": reverse(url_name),
                        "page": True,
                    }
                    for url_name, label, perms in EXCHANGE_PAGES
                    if request.user.has_perms(perms)
                ]
            if rows:
                groups.append({"name": name, "key": key, "models": rows})
        return groups


def my_drafts(user) -> list[Draft]:
    """The user's unpublished records (created or last changed by them) and the edits kept
    in their open change sets, newest first: one query per kind of record."""
    from cases.admin.changesets import ChangeSetAdmin  # cases.admin needs this site first

    drafts = []
    for model, label_fields in PUBLISHABLE:
        opts = model._meta
        records = (
            model.objects.exclude(publication_status=PublicationStatus.PUBLISHED)
            .filter(Q(created_by=user) | Q(updated_by=user))
            .only("pk", "publication_status", "updated_at", *label_fields)
            .order_by("-updated_at", "-pk")[:HOME_LIST_SIZE]
        )
        drafts += [
            Draft(
                label=str(record),
                what=str(opts.verbose_name),
                status=record.get_publication_status_display(),
                updated_at=record.updated_at,
                url=reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
            )
            for record in records
        ]
    # A new record with a status is listed above; its place in the change set is not news.
    listed = Q(content_type__app_label="cases") & Q(
        content_type__model__in=[model._meta.model_name for model, _ in PUBLISHABLE]
    )
    kept = (
        Change.objects.filter(change_set__created_by=user, change_set__status__in=EDITABLE)
        .exclude(Q(kind=ChangeKind.NEW) & listed)
        .select_related("change_set", "content_type")
        .order_by("-updated_at", "-pk")[:HOME_LIST_SIZE]
    )
    drafts += [
        Draft(
            label=change.label,
            what=change.content_type.name,
            status=change.get_kind_display(),
            updated_at=change.updated_at,
            url=ChangeSetAdmin._edit_url(change),
            change_set=change.change_set,
        )
        for change in kept
    ]
    drafts.sort(key=lambda draft: draft.updated_at, reverse=True)
    return drafts[:HOME_LIST_SIZE]


def _with_counts(queryset):
    return queryset.annotate(
        change_count=Count("changes"), last_change=Max("changes__updated_at")
    ).select_related("created_by", "reviewed_by")


def my_change_sets(user) -> list:
    """The user's change sets and where they are (a discarded one is gone)."""
    queryset = ChangeSet.objects.filter(created_by=user).exclude(status=ChangeSetStatus.DISCARDED)
    return list(_with_counts(queryset).order_by("-updated_at", "-pk")[:HOME_LIST_SIZE])


def waiting_for_review(user) -> list:
    """Submitted change sets the user may review: none of their changes is in it (four
    eyes), oldest first."""
    queryset = (
        ChangeSet.objects.filter(status=ChangeSetStatus.SUBMITTED)
        .exclude(created_by=user)
        .exclude(pk__in=Change.objects.filter(author=user).values("change_set"))
    )
    return list(_with_counts(queryset).order_by("submitted_at", "pk")[:HOME_LIST_SIZE])


def recently_published() -> list:
    queryset = ChangeSet.objects.filter(status=ChangeSetStatus.APPROVED)
    return list(_with_counts(queryset).order_by("-reviewed_at", "-pk")[:HOME_LIST_SIZE])
