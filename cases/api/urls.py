"""The partner API, version 1: one router, the schema and its docs, the sync feed."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import errors, views
from .schema import CachedSchemaView

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.include_root_view = False  # views.ApiRootView links more than the router knows
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("actions", views.ActionViewSet, basename="action")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("sources", views.SourceViewSet, basename="source")
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("provisions", views.ProvisionViewSet, basename="provision")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("states", views.StateViewSet, basename="state")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("guide/", views.guide, {"name": "guide"}, name="guide"),
    path("changelog/", views.guide, {"name": "changelog"}, name="changelog"),
    path("schema/", CachedSchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP forbids inline script.
    # Our template: a lang, landmarks, the guide as a link, no inline style (docs/api.md).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    path("tombstones/", views.TombstoneView.as_view(), name="tombstones"),
    path("icc-jurisdiction/", views.IccJurisdictionView.as_view(), name="icc-jurisdiction"),
    *router.urls,
    re_path(r"^[\s\S]*$", errors.not_found),  # any path, one with a newline too
]
