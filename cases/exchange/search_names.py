"""Incident.search_names for the incidents an import creates, written with them: once.

An incident's search names come from rows further down the file (its involvements and
legal qualifications), so before any file is imported their incident, actor and provision
keys are read ahead into a temporary table (memory stays flat). For each batch of incidents
look_up() turns what their text needs into ids and loads their public names with
cases.search_names.Names, and text() composes it with Names.text(): the one computation
cases.services.refresh_search_names() uses (tests/exchange compare the two). What the
file names later (the actions naming an incident) and incidents that already existed are
refreshed by that service after the import: their other rows are in the database then.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import connection
from django.db.models import Q

from cases.models import Actor, Incident, Provision
from cases.search_names import Names, Naming

from .format import BY_NAME, RecordType

TABLE = "exchange_search_parts"
# (record type, the column naming what goes in the text); both name the incident in "incident"
PARTS = (("involvement", "actor"), ("legal_qualification", "provision"))


def _key(value) -> str:
    return "" if value is None or isinstance(value, list) else str(value).strip()


class SearchNames:
    """One per import: read_ahead() once, then look_up() and text() for each batch."""

    def read_ahead(self, lines: Callable[[RecordType], Iterator[dict]]) -> None:
        """Keep (incident, kind, key) of every involvement and qualification in the file,
        in file order: new rows get increasing ids, the order the service reads them in."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE} "
                "(incident text, kind text, key text, position bigint) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {TABLE} FROM STDIN") as copy:
                for kind, column in PARTS:
                    for position, line in enumerate(lines(BY_NAME[kind])):
                        incident, key = _key(line.get("incident")), _key(line.get(column))
                        if incident and key:
                            copy.write_row((incident, kind, key, position))
            cursor.execute(f"CREATE INDEX ON {TABLE} (incident)")
            cursor.execute(f"ANALYZE {TABLE}")

    def look_up(
        self, ids: Iterable[str], countries: Iterable[str | None], categories: Iterable[int]
    ) -> None:
        """Fetch what text() needs for a batch of incidents, in a few queries."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT incident, kind, key FROM {TABLE} WHERE incident = ANY(%s) "
                "ORDER BY kind, position",
                [list(ids)],
            )
            self.parts: dict[tuple[str, str], list[str]] = defaultdict(list)
            for incident, kind, key in cursor.fetchall():
                self.parts[incident, kind].append(key)
        keys = {kind: set() for kind, _ in PARTS}
        for (_, kind), found in self.parts.items():
            keys[kind].update(found)
        # Ids by the file's keys, whatever their visibility: Names keeps the public ones.
        self.actor_ids = dict(
            Actor.objects.filter(external_id__in=keys["involvement"]).values_list(
                "external_id", "pk"
            )
        )
        self.provision_ids = self._provision_ids(keys["legal_qualification"])
        self.names = Names.load(
            countries=countries,
            actors=self.actor_ids.values(),
            provisions=self.provision_ids.values(),
            categories=categories,
        )

    def text(self, incident: Incident, categories: Iterable[int]) -> str:
        """A new incident's search names (no action names it yet: actions come later)."""
        key = incident.external_id
        actors = self.parts[key, "involvement"]
        provisions = self.parts[key, "legal_qualification"]
        return self.names.text(
            Naming(
                place_name=incident.place_name,
                subdivision=incident.subdivision,
                country_id=incident.country_id,
                actors=[self.actor_ids[a] for a in actors if a in self.actor_ids],
                provisions=[self.provision_ids[p] for p in provisions if p in self.provision_ids],
                categories=list(categories),
            )
        )

    @staticmethod
    def _provision_ids(keys: set[str]) -> dict[str, int]:
        """Provisions by their key in the file, "<instrument slug> <label>"."""
        if not keys:
            return {}
        condition = Q()
        for key in keys:
            slug, _, label = key.partition(" ")
            condition |= Q(instrument__slug=slug, label=label)
        rows = Provision.objects.filter(condition).values_list("instrument__slug", "label", "pk")
        return {f"{slug} {label}": pk for slug, label, pk in rows}

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
