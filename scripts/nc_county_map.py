"""Convert the us-atlas county shapes of North Carolina into SVG paths, once: static/maps/nc-counties.json.

The reports' "unmet needs by county" map draws these paths; nothing downloads anything at run time. Run it again only
to change the drawing (another simplification, another size), with a copy of the us-atlas npm package (ISC licence;
the shapes are the US Census Bureau's cartographic boundary files, public domain):

    npm pack us-atlas && tar xzf us-atlas-3.0.1.tgz      # or: npm install us-atlas --prefix /tmp/usatlas
    python3 scripts/nc_county_map.py package/counties-10m.json

What it does: decodes the TopoJSON (quantized, delta-encoded arcs shared between neighbouring counties), keeps the
counties whose FIPS code starts with 37, projects them with an Albers equal-area conic fitted to the state
(standard parallels 34°20' and 36°10', those of the state's own grid), simplifies each shared arc once (so
neighbours keep a common border, with no gaps or slivers), and writes one SVG path per county, keyed by its FIPS code.
Python's standard library only.
"""

import argparse
import json
import math
from pathlib import Path

STATE_FIPS = "37"
WIDTH = 800  # the drawing's width in SVG units; its height follows from the state's shape
MARGIN = 4
TOLERANCE = 0.6  # SVG units: a point closer than this to the line its neighbours draw is dropped
OUTPUT = Path(__file__).resolve().parents[1] / "static" / "maps" / "nc-counties.json"

# Albers equal-area conic (sphere), centred on North Carolina.
LON0, LAT0 = math.radians(-79.5), math.radians(35.2)
PAR1, PAR2 = math.radians(34 + 20 / 60), math.radians(36 + 10 / 60)
N = (math.sin(PAR1) + math.sin(PAR2)) / 2
C = math.cos(PAR1) ** 2 + 2 * N * math.sin(PAR1)
RHO0 = math.sqrt(C - 2 * N * math.sin(LAT0)) / N


def albers(lon: float, lat: float) -> tuple[float, float]:
    theta = N * (math.radians(lon) - LON0)
    rho = math.sqrt(C - 2 * N * math.sin(math.radians(lat))) / N
    # SVG's y grows downwards.
    return rho * math.sin(theta), -(RHO0 - rho * math.cos(theta))


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute longitude and latitude (TopoJSON stores quantized deltas)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, keeping both ends (where the arc meets the others)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = 0, 0.0
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def rings_of(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "Polygon":
        return geometry["arcs"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    raise ValueError(f"unexpected geometry {geometry['type']}")


def convert(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    counties = [
        geometry
        for geometry in topology["objects"]["counties"]["geometries"]
        if str(geometry["id"]).startswith(STATE_FIPS)
    ]
    used = sorted(
        {index if index >= 0 else ~index for g in counties for ring in rings_of(g) for index in ring}
    )
    projected = {index: [albers(lon, lat) for lon, lat in arcs[index]] for index in used}
    xs = [x for points in projected.values() for x, _ in points]
    ys = [y for points in projected.values() for _, y in points]
    scale = (WIDTH - 2 * MARGIN) / (max(xs) - min(xs))
    height = round((max(ys) - min(ys)) * scale + 2 * MARGIN)

    def fit(point: tuple[float, float]) -> tuple[float, float]:
        return (
            round((point[0] - min(xs)) * scale + MARGIN, 1),
            round((point[1] - min(ys)) * scale + MARGIN, 1),
        )

    fitted = {index: simplify([fit(p) for p in points], TOLERANCE) for index, points in projected.items()}

    def ring_path(ring: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for index in ring:
            arc = fitted[index] if index >= 0 else fitted[~index][::-1]
            points.extend(arc if not points else arc[1:])
        coordinates = " ".join(f"{x:g},{y:g}" for x, y in points[:-1])
        return f"M{coordinates}Z"

    shapes = {}
    for geometry in sorted(counties, key=lambda g: g["id"]):
        shapes[geometry["id"]] = {
            "name": geometry["properties"]["name"],
            "d": "".join(ring_path(ring) for ring in rings_of(geometry)),
        }
    return {
        "source": "us-atlas 3.0.1 counties-10m.json (ISC licence; US Census Bureau cartographic boundaries, "
        "public domain), converted by scripts/nc_county_map.py",
        "width": WIDTH,
        "height": height,
        "counties": shapes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", type=Path, help="counties-10m.json from the us-atlas npm package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    result = convert(json.loads(arguments.topojson.read_text()))
    if len(result["counties"]) != 100:
        raise SystemExit(f"expected North Carolina's 100 counties, found {len(result['counties'])}")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, separators=(",", ":"), sort_keys=True) + "\n")
    print(
        f"wrote {len(result['counties'])} counties to {arguments.output} ({arguments.output.stat().st_size} bytes)"
    )


if __name__ == "__main__":
    main()
