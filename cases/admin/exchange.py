"""Staff pages for bulk exchange: import (upload, preview, confirm), export, data quality.

The admin site adds them to its own URLs (cases/admin_site.py: no model to hang them on),
behind admin_view(): staff only, and the import asks for the permission to add and change
incidents. An upload is not reviewed: it may not publish, nor change a published record
or its parts (the publication workflow of cases/services.py applies to it too).
"""

import tempfile
import uuid
from pathlib import Path

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cases.exchange import quality
from cases.exchange.export import export
from cases.exchange.importer import import_path

SUFFIXES = (".zip", ".ndjson", ".jsonl")
UPLOADS = Path(tempfile.gettempdir()) / "ihl-exchange"
SESSION_KEY = "exchange_upload"
IMPORT_PERMISSIONS = ("cases.add_incident", "cases.change_incident")


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A .zip of CSV files, or an .ndjson file (docs/exchange.md).")
    create_vocabulary = forms.BooleanField(
        required=False,
        help_text="Add states, instruments, provisions and categories this database lacks.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("Upload a .zip of CSV files or an .ndjson file.")
        return upload


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def import_view(request):
    """GET: the upload form. POST: validate the file (a dry run) and show the preview."""
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        UPLOADS.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        stored = UPLOADS / f"{token}{Path(upload.name).suffix.lower()}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        create_vocabulary = form.cleaned_data["create_vocabulary"]
        report = import_path(
            stored, dry_run=True, create_vocabulary=create_vocabulary, reviewed=False
        )
        if report.ok:
            _forget_upload(request)
            request.session[SESSION_KEY] = {
                "token": token,
                "path": str(stored),
                "name": upload.name,
                "create_vocabulary": create_vocabulary,
            }
        else:
            stored.unlink(missing_ok=True)
    return TemplateResponse(
        request,
        "admin/exchange/import.html",
        _context(request, "Import records", form=form, report=report, token=token),
    )


def confirm_view(request):
    """POST: import the previewed file for real, all or nothing."""
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    upload = request.session.get(SESSION_KEY)
    if request.method != "POST" or not upload or request.POST.get("token") != upload["token"]:
        return redirect("admin:exchange-import")
    report = import_path(
        upload["path"],
        create_vocabulary=upload["create_vocabulary"],
        user=request.user,
        reviewed=False,
    )
    _forget_upload(request)
    return TemplateResponse(
        request,
        "admin/exchange/imported.html",
        _context(request, "Import result", report=report, name=upload["name"]),
    )


def _forget_upload(request) -> None:
    upload = request.session.pop(SESSION_KEY, None)
    if upload:
        Path(upload["path"]).unlink(missing_ok=True)


def export_view(request):
    """Download everything staff can see (not protected persons) as a .zip of CSV files."""
    if not request.user.has_perm("cases.view_incident"):
        raise PermissionDenied
    UPLOADS.mkdir(parents=True, exist_ok=True)
    target = UPLOADS / f"export-{uuid.uuid4().hex}.zip"
    export(target)
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
        _context(request, "Data quality", checks=checks),
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
        path("exchange/import/confirm/", view(confirm_view), name="exchange-confirm"),
        path("exchange/export/", view(export_view), name="exchange-export"),
        path("exchange/quality/", view(quality_view), name="exchange-quality"),
    ]
