"""Benchmark of the map's database work against the search page's own, in the same run.

Not a test: run it against a database filled by `manage.py generate_demo`, read only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_bench \\
        .venv/bin/python benchmarks/map_benchmark.py [--runs 7]

For each search (no filter: every public incident, as on /incidents/; a country; a
common word; a rare word) it prints the median wall time of
  - page:  cases.search.search_page(), the results page's own database work (the baseline);
  - list:  cases.maps.incident_places(limit=LIST_SIZE), the list of places the page adds;
  - json:  /search/map.json through Django's test client (every place up to MAP_LIMIT,
           serialised), which the browser asks for once the page is shown;
and the ratios list/page and json/page. The three take turns within each run, so load
elsewhere on the machine hits them alike.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from cases import maps, search  # noqa: E402
from cases.forms import SearchForm  # noqa: E402
from cases.models import Incident, State  # noqa: E402


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    country = (
        State.objects.filter(incidents__in=Incident.objects.public())
        .values_list("code", flat=True)
        .first()
    )
    cases = {
        "every incident": {},
        f"country={country}": {"country": country},
        "common word (civilians)": {"q": "civilians"},
        "rare word (hospital)": {"q": "hospital"},
    }
    client = Client()
    public = Incident.objects.public().count()
    coordinates = Incident.objects.public().filter(latitude__isnull=False).count()
    print(f"{public:,} public incidents, {coordinates:,} with coordinates; {args.runs} runs")
    print(
        f"{'search':28} {'page ms':>8} {'list ms':>8} {'json ms':>8} {'list/page':>9} "
        f"{'json/page':>9} {'places':>7}"
    )
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
        for name, params in cases.items():
            filters = SearchForm(params).filters()
            times: dict[str, list[float]] = {"page": [], "list": [], "json": []}
            places = 0
            for _ in range(args.runs):
                times["page"].append(
                    timed(lambda f=filters: search.search_page(f, sort="newest", page=1))
                )
                times["list"].append(
                    timed(
                        lambda f=filters: maps.incident_places(
                            search.matching_incidents(f), limit=maps.LIST_SIZE
                        )
                    )
                )
                start = time.perf_counter()
                response = client.get("/search/map.json", params)
                times["json"].append(time.perf_counter() - start)
                places = len(response.json()["places"])
            page, listed, json = (statistics.median(times[k]) * 1000 for k in times)
            print(
                f"{name:28} {page:8.1f} {listed:8.1f} {json:8.1f} {listed / page:9.2f} "
                f"{json / page:9.2f} {places:7}"
            )


if __name__ == "__main__":
    main()
