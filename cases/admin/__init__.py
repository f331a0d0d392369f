"""The staff admin: data entry for the law, the facts, the response and the evidence.

Every changelist selects its related rows in the same query (no N+1), every relation to a
big table is an autocomplete, and every Tracked row records who created and changed it.
Importing the modules registers their ModelAdmins on `admin.site`, the site of
cases/admin_site.py, which also serves the exchange pages.
"""

from . import actions, actors, api, changesets, incidents, law, pages, protected, sources

__all__ = [
    "actions",
    "actors",
    "api",
    "changesets",
    "incidents",
    "law",
    "pages",
    "protected",
    "sources",
]
