from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "IHL Case Database"
admin.site.site_title = "IHL Case Database staff"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("cases.api.urls")),
    path("", include("cases.urls")),
]
