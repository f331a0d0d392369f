from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The admin and the API keep their addresses in every language (ihl/locale.py,
# UNPREFIXED_PATHS); the public pages are under a language prefix, English without one.
urlpatterns = [
    # The second factor and the staff session's pages (staff/), under the admin's address.
    path("admin/mfa/webauthn/", include("staff.webauthn")),
    path("admin/mfa/", include("staff.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cases.api.urls")),
    *i18n_patterns(path("", include("cases.urls")), prefix_default_language=False),
]
