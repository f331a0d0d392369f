from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

# The words of the public pages' scripts (locale/<lang>/LC_MESSAGES/djangojs.po,
# docs/i18n.md). "cases" has no locale directory: naming it leaves out the admin's script
# catalog, while the project's own (LOCALE_PATHS) is always read. The catalog changes only
# with a release, which restarts the process: browsers ask each time and get a 304 until then.
STARTED = timezone.now()
javascript_catalog = cache_control(no_cache=True)(
    last_modified(lambda request, **kwargs: STARTED)(JavaScriptCatalog.as_view(packages=["cases"]))
)

# The admin and the API keep their addresses in every language (ihl/locale.py,
# UNPREFIXED_PATHS); the public pages are under a language prefix, English without one.
urlpatterns = [
    # The second factor and the staff session's pages (staff/), under the admin's address.
    path("admin/mfa/webauthn/", include("staff.webauthn")),
    path("admin/mfa/", include("staff.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cases.api.urls")),
    *i18n_patterns(
        path("jsi18n/", javascript_catalog, name="javascript-catalog"),
        path("", include("cases.urls")),
        prefix_default_language=False,
    ),
]

handler500 = "ihl.errors.server_error"
