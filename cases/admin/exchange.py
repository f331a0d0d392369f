"""Staff pages for bulk exchange: import (upload, preview, confirm), export, data quality.

The admin site adds them to its own URLs (cases/admin_site.py: no model to hang them on),
behind admin_view(): staff only, and the import asks for the permission to add and change
incidents. The import's check and the export run in the worker (jobs/): these pages only
queue them. A checked upload becomes a change set (cases.changesets.keep_import), imported
by the reviewer's approval, like any other edit.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.record import record
from cases import changesets
from cases.exchange import quality
from jobs.models import JobKind
from jobs.services import start_import_check, start_job

SUFFIXES = (".zip", ".ndjson", ".jsonl")


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=_("A .zip of CSV files, or an .ndjson file (docs/exchange.md).")
    )
    create_vocabulary = forms.BooleanField(
        required=False,
        help_text=_("Add states, instruments, provisions and categories this database lacks."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Upload a .zip of CSV files or an .ndjson file."))
        if upload.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; the most an upload may be is %(limit)s MB. "
                    "Larger files are imported with manage.py import_cases (docs/exchange.md)."
                )
                % {
                    "size": f"{upload.size / 2**20:,.1f}",
                    "limit": f"{settings.IMPORT_UPLOAD_MAX_BYTES / 2**20:,.0f}",
                }
            )
        return upload


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def import_view(request):
    """GET: the upload form. POST: keep the file in the private job storage and queue its
    check (a dry run) for the worker; its page shows the result and, with no problem, lets
    the uploader keep it in a change set of its own (jobs.services.keep_checked_upload)."""
    if not request.user.has_perms(changesets.IMPORT_PERMISSIONS):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_import_check(
            user=request.user,
            name=upload.name,
            content=upload.read(),
            create_vocabulary=form.cleaned_data["create_vocabulary"],
        )
        record(
            AuditAction.IMPORT,
            what=upload.name,
            detail={"stage": "uploaded for a check", "job": job.pk, "bytes": upload.size},
        )
        return redirect(job.get_absolute_url())
    return TemplateResponse(
        request,
        "admin/exchange/import.html",
        _context(request, _("Import records"), form=form),
    )


def export_view(request):
    """GET: what an export is. POST: queue an export of everything staff can see (not
    protected persons) for the worker; its page offers the .zip to its owner only."""
    if not request.user.has_perm("cases.view_incident"):
        raise PermissionDenied
    if request.method == "POST":
        job = start_job(kind=JobKind.EXPORT, owner=request.user)
        return redirect(job.get_absolute_url())
    return TemplateResponse(
        request, "admin/exchange/export.html", _context(request, _("Export everything"))
    )


def quality_view(request):
    if not request.user.has_perm("cases.view_incident"):
        raise PermissionDenied
    checks = []
    for check in quality.all_checks():
        rows = [(text, _change_url(obj)) for text, obj in check.rows]
        checks.append((check, rows))
    return TemplateResponse(
        request,
        "admin/exchange/quality.html",
        _context(request, _("Data quality"), checks=checks),
    )


def _change_url(obj) -> str | None:
    if obj is None:
        return None
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def exchange_urls(site: admin.AdminSite) -> list:
    view = site.admin_view
    return [
        path("exchange/import/", view(import_view), name="exchange-import"),
        path("exchange/export/", view(export_view), name="exchange-export"),
        path("exchange/quality/", view(quality_view), name="exchange-quality"),
    ]
