"""Small self-contained SVG maps (no tile server, nothing the content policy would block).

County points from the division register sketch the land; the alert circle, the last-seen point and sightings
are drawn on top. With `pick=True` the static script `alerts/map.js` turns a click into latitude/longitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from homeward.alerts.geo import CHINA_BOX, _county_points

KM_PER_DEGREE = 111.32
SCALE = 100.0  # SVG units per degree


@dataclass(frozen=True)
class Marker:
    lat: float
    lon: float
    kind: str  # "last-seen", "sighting", "useful"
    label: str = ""


def _box_around(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    span = max(radius_km * 1.15, 60.0) / KM_PER_DEGREE
    lon_span = span / max(math.cos(math.radians(lat)), 0.2)
    return lat - span, lon - lon_span, lat + span, lon + lon_span


def svg_map(
    *,
    center: tuple[float, float] | None = None,
    radius_km: float | None = None,
    markers: Sequence[Marker] = (),
    pick: bool = False,
    title: str = "",
) -> SafeString:
    if center is not None:
        box = _box_around(center[0], center[1], radius_km or 60.0)
    else:
        box = (CHINA_BOX[0] + 14.5, CHINA_BOX[1], CHINA_BOX[2], CHINA_BOX[3])
    min_lat, min_lon, max_lat, max_lon = box
    kx = SCALE * math.cos(math.radians((min_lat + max_lat) / 2))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - min_lon) * kx, 1), round((max_lat - lat) * SCALE, 1)

    width, height = xy(min_lat, max_lon)
    _codes, points = _county_points()
    dot = max(width, height) / 260
    inside = points[
        (points[:, 0] >= min_lat)
        & (points[:, 0] <= max_lat)
        & (points[:, 1] >= min_lon)
        & (points[:, 1] <= max_lon)
    ]
    dots = format_html_join(
        "",
        '<circle class="land" cx="{}" cy="{}" r="{}"/>',
        ((*xy(p[0], p[1]), round(dot, 1)) for p in inside),
    )
    parts = [dots]
    if center is not None and radius_km:
        cx, cy = xy(*center)
        parts.append(
            format_html(
                '<ellipse class="area" cx="{}" cy="{}" rx="{}" ry="{}"/>',
                cx,
                cy,
                round(radius_km / KM_PER_DEGREE * kx, 1),
                round(radius_km / KM_PER_DEGREE * SCALE, 1),
            )
        )
    for marker in markers:
        mx, my = xy(marker.lat, marker.lon)
        parts.append(
            format_html(
                '<circle class="marker {}" cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
                marker.kind,
                mx,
                my,
                round(dot * 3, 1),
                marker.label,
            )
        )
    return format_html(
        '<svg class="map{}" viewBox="0 0 {} {}" role="img" aria-label="{}" data-min-lat="{}" data-max-lat="{}" '
        'data-min-lon="{}" data-max-lon="{}" data-kx="{}" data-scale="{}" data-dot="{}">'
        '<rect class="sea" width="{}" height="{}"/>{}</svg>',
        " pick" if pick else "",
        width,
        height,
        title or _("Map"),  # an image needs a name for screen readers (axe: svg-img-alt)
        min_lat,
        max_lat,
        min_lon,
        max_lon,
        kx,
        SCALE,
        round(dot * 3, 1),
        width,
        height,
        mark_safe("".join(str(p) for p in parts)),  # noqa: S308 - every part was built with format_html
    )
