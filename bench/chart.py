"""An SVG chart of every figure against its limit: the ratio on a log scale, the target as a mark."""

from __future__ import annotations

import math
from html import escape

from bench.report import Figure

LOW, HIGH = 0.001, 10.0
"""The ratios the axis spans (log scale); a bar beyond either end is drawn to the edge."""
LABEL_W, PLOT_W, ROW_H, TOP = 260, 520, 26, 40


def _x(ratio: float) -> float:
    clamped = min(HIGH, max(LOW, ratio))
    return LABEL_W + PLOT_W * (math.log10(clamped) - math.log10(LOW)) / (math.log10(HIGH) - math.log10(LOW))


def _charted(figure: Figure) -> tuple[float, float] | None:
    """(ratio, target ratio) of a figure with a target; absolute bounds as value / bound."""
    if figure.ratio is not None and figure.target_ratio is not None:
        return figure.ratio, figure.target_ratio
    if figure.ratio is not None and figure.target_max_ratio is not None:
        return figure.ratio, figure.target_max_ratio
    if figure.target_value:
        return figure.value / figure.target_value, 1.0
    return None


def svg(figures: list[Figure]) -> str:
    """The chart as an SVG document."""
    rows = [(f, charted) for f in figures if (charted := _charted(f)) is not None]
    height = TOP + ROW_H * len(rows) + 30
    width = LABEL_W + PLOT_W + 150
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{LABEL_W}" y="16" font-weight="bold">Each figure / its limit (or its bound), log '
        "scale; | marks the target; green meets it</text>",
    ]
    for tick in (0.001, 0.01, 0.1, 1, 10):
        x = _x(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{height - 24}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{tick:g}</text>')
    for n, (figure, (ratio, target)) in enumerate(rows):
        y = TOP + n * ROW_H
        colour = "#2e7d32" if figure.meets else "#c62828"
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + 14}" text-anchor="end">{escape(figure.id)}</text>')
        parts.append(
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{_x(ratio) - LABEL_W:.1f}" height="{ROW_H - 8}" '
            f'fill="{colour}" opacity="0.8"/>'
        )
        mark = _x(target)
        parts.append(
            f'<line x1="{mark:.1f}" y1="{y}" x2="{mark:.1f}" y2="{y + ROW_H - 2}" stroke="black" '
            'stroke-width="2"/>'
        )
        bound = "≤" if figure.target_max_ratio is not None or figure.target_value else "≥"
        parts.append(f'<text x="{LABEL_W + PLOT_W + 8}" y="{y + 14}">{ratio:.3g} ({bound} {target:g})</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
