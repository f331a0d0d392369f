"""The staff admin: data entry for the law, the facts, the response and the evidence.

Every changelist selects its related rows in the same query (no N+1), every relation to a
big table is an autocomplete, and every Tracked row records who created and changed it.
Importing the modules registers their ModelAdmins.
"""

from . import actions, actors, api, incidents, law, protected, sources
from .exchange import exchange_urls  # noqa: F401 (adds the import, export, quality pages)

__all__ = ["actions", "actors", "api", "incidents", "law", "protected", "sources"]
