"""The staff admin site: Django's, with the exchange pages (import, export, data quality),
which belong to no model, among its own URLs.

It is the default site (cases.apps.CasesAdminConfig), so `admin.site` and
`@admin.register` are this site. It lives outside the cases/admin package on purpose:
importing that package registers every ModelAdmin on `admin.site`, which must already
exist by then.
"""

from django.contrib import admin


class CasesAdminSite(admin.AdminSite):
    site_header = "IHL Case Database"
    site_title = "IHL Case Database staff"
    index_title = "Records"

    def get_urls(self) -> list:
        from cases.admin.exchange import exchange_urls

        return [*exchange_urls(self), *super().get_urls()]
