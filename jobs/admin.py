"""The jobs in the admin: each staff member sees their own (superusers every one), with its
state, progress and result; an upload's check is confirmed, and an export downloaded, from
its page, by its owner only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Job, JobKind, JobState


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "progress", "owner", "created_at", "finished_at")
    list_select_related = ("owner",)
    list_filter = ("kind", "state")
    search_fields = ("options__name",)
    ordering = ("-created_at", "-pk")
    change_list_template = "admin/jobs/job/change_list.html"
    # Nothing is edited: the page is change_view's own, and Django's form has no field.
    fields = readonly_fields = ("kind", "state", "progress", "stage", "owner", "created_at")

    # Any member of staff has jobs; which ones they see is get_queryset's.
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/keep/", view(self.keep_view), name="jobs_job_keep"),
            path("<int:pk>/download/", view(self.download_view), name="jobs_job_download"),
            path("<int:pk>/run-again/", view(self.run_again_view), name="jobs_job_run_again"),
            path("search-words/", view(self.search_words_view), name="jobs_job_search_words"),
            *super().get_urls(),
        ]

    def _job(self, request, pk) -> Job:
        job = self.get_queryset(request).select_related("owner", "change_set").filter(pk=pk).first()
        if job is None:
            raise Http404(_("No such job, or not one of yours."))
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404(_("No such job, or not one of yours."))
        job = self._job(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "opts": self.opts,
            "job": job,
            "is_owner": job.owner_id == request.user.pk,
            "finished": job.state in (JobState.DONE, JobState.FAILED),
            "kinds": JobKind,
        }
        return TemplateResponse(request, "admin/jobs/job/detail.html", context)

    @staticmethod
    def _refusal(request, exc: ValidationError) -> None:
        messages.error(request, " ".join(exc.messages))

    @method_decorator(require_POST)
    def keep_view(self, request, pk):
        job = self._job(request, pk)
        try:
            change = services.keep_checked_upload(job=job, user=request.user)
        except ValidationError as exc:
            self._refusal(request, exc)
            return redirect(job.get_absolute_url())
        messages.success(
            request,
            _(
                "“%(name)s” is kept in change set “%(change_set)s”, and nothing is imported "
                "yet: check what it changes below, then submit it for review."
            )
            % {"name": job.options["name"], "change_set": change.change_set},
        )
        return redirect(change.change_set.get_absolute_url())

    def download_view(self, request, pk):
        job = self._job(request, pk)
        if job.owner_id != request.user.pk:
            raise PermissionDenied
        if job.kind != JobKind.EXPORT or job.state != JobState.DONE or not job.file:
            raise Http404(_("This job has no file to download (it may have expired)."))
        return FileResponse(job.file.open("rb"), as_attachment=True, filename="ihl-export.zip")

    @method_decorator(require_POST)
    def run_again_view(self, request, pk):
        job = self._job(request, pk)
        try:
            services.run_again(job=job, user=request.user)
        except ValidationError as exc:
            self._refusal(request, exc)
        return redirect(job.get_absolute_url())

    @method_decorator(require_POST)
    def search_words_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        job = services.start_job(kind=JobKind.SEARCH_WORDS, owner=request.user)
        return redirect(job.get_absolute_url())
