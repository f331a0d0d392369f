"""Incident.search_names for the incidents an import creates, written with them: once.

An incident's search names come from rows further down the file (its involvements and
legal qualifications), so before any file is imported their incident, actor and provision
ids are read ahead into a temporary table (memory stays flat). For each batch of
incidents look_up() fetches what their text needs, and text() puts it together: the same text
IncidentQuerySet.refresh_search_names() would write (cases/synthetic.py does the same for
generated data; tests/exchange compare the two). Incidents that already existed are
refreshed by refresh_search_names() after the import: their other rows are in the database.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import connection
from django.db.models import Q

from cases.models import Actor, ActorName, Incident, Provision, State

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
        in file order: new rows get increasing ids, the order refresh_search_names() uses."""
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

    def look_up(self, ids: Iterable[str], countries: Iterable[str | None]) -> None:
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
        # Only public actors and provisions: the search document is public.
        self.actors = {
            key: (pk, name)
            for key, pk, name in Actor.objects.public()
            .filter(external_id__in=keys["involvement"])
            .values_list("external_id", "pk", "name")
        }
        self.other_names = defaultdict(list)
        for actor_id, pk, name in ActorName.objects.filter(
            actor_id__in=[pk for pk, _ in self.actors.values()]
        ).values_list("actor_id", "pk", "name"):
            self.other_names[actor_id].append((pk, name))
        self.labels = self._provision_labels(keys["legal_qualification"])
        self.countries = dict(
            State.objects.filter(code__in=set(countries) - {None}).values_list("code", "name")
        )

    def text(self, incident: Incident) -> str:
        """A new incident's search names, in the order refresh_search_names() joins them."""
        key = incident.external_id
        involved = [self.actors[a] for a in self.parts[key, "involvement"] if a in self.actors]
        others = sorted(n for actor_id, _ in involved for n in self.other_names[actor_id])
        qualified = self.parts[key, "legal_qualification"]
        return " ".join(
            [
                " ".join(name for _, name in involved),
                " ".join(name for _, name in others),
                " ".join(self.labels[p] for p in qualified if p in self.labels),
                incident.place_name,
                incident.subdivision,
                self.countries.get(incident.country_id, ""),
            ]
        )

    @staticmethod
    def _provision_labels(keys: set[str]) -> dict[str, str]:
        """Public provisions by id ("<instrument slug> <label>"): "<short title> <label>"."""
        if not keys:
            return {}
        condition = Q()
        for key in keys:
            slug, _, label = key.partition(" ")
            condition |= Q(instrument__slug=slug, label=label)
        rows = (
            Provision.objects.public()
            .filter(condition)
            .values_list("instrument__slug", "label", "instrument__short_title")
        )
        return {f"{slug} {label}": f"{short_title} {label}" for slug, label, short_title in rows}

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
