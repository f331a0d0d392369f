"""Staff pages for bulk exchange: import (upload, preview, confirm), export, data quality.

The admin site adds them to its own URLs (cases/admin_site.py: no model to hang them on),
behind admin_view(): staff only, and the import asks for the permission to add and change
incidents. An upload is a change set (cases.changesets.keep_import): checked on upload,
imported by the reviewer's approval, like any other edit.
"""

import tempfile
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.record import record
from cases import changesets
from cases.exchange import quality
from cases.exchange.export import export

SUFFIXES = (".zip", ".ndjson", ".jsonl")
UPLOADS = Path(tempfile.gettempdir()) / "ihl-exchange"


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
    """GET: the upload form. POST: check the file (a dry run); with no problem, keep it in a
    change set of its own and show that: a reviewer's approval imports it."""
    if not request.user.has_perms(changesets.IMPORT_PERMISSIONS):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report, change = changesets.keep_import(
            user=request.user,
            name=upload.name,
            content=upload.read(),
            create_vocabulary=form.cleaned_data["create_vocabulary"],
        )
        record(
            AuditAction.IMPORT,
            what=upload.name,
            object_ids=[change.change_set_id] if change else [],
            detail={"stage": "uploaded for review", "ok": report.ok, "bytes": upload.size},
        )
        if change is not None:
            messages.success(
                request,
                gettext(
                    "“%(file)s” is kept in change set “%(change_set)s”, and nothing is imported "
                    "yet: check what it changes below, then submit it for review."
                )
                % {"file": upload.name, "change_set": change.change_set},
            )
            return redirect(change.change_set.get_absolute_url())
    return TemplateResponse(
        request,
        "admin/exchange/import.html",
        _context(request, gettext("Import records"), form=form, report=report),
    )


def export_view(request):
    """Download everything staff can see (not protected persons) as a .zip of CSV files."""
    if not request.user.has_perm("cases.view_incident"):
        raise PermissionDenied
    UPLOADS.mkdir(parents=True, exist_ok=True)
    target = UPLOADS / f"export-{uuid.uuid4().hex}.zip"
    counts = export(target)
    record(AuditAction.EXPORT, what="everything staff can see (.zip)", detail={"rows": counts})
    response = FileResponse(target.open("rb"), as_attachment=True, filename="ihl-export.zip")
    target.unlink()  # the open file stays readable until the response closes it
    return response


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
        _context(request, gettext("Data quality"), checks=checks),
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
