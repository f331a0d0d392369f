from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

# The admin and the API keep their addresses in every language (ihl/locale.py,
# UNPREFIXED_PATHS); the public pages are under a language prefix, English without one.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("cases.api.urls")),
    *i18n_patterns(
        # The words of the public pages' scripts (locale/<lang>/LC_MESSAGES/djangojs.po,
        # docs/i18n.md). "cases" has no locale directory: naming it leaves out the admin's
        # script catalog, while the project's own (LOCALE_PATHS) is always read.
        path("jsi18n/", JavaScriptCatalog.as_view(packages=["cases"]), name="javascript-catalog"),
        path("", include("cases.urls")),
        prefix_default_language=False,
    ),
]
