"""Charts drawn on the server as SVG: no script and no chart library, and they print and scale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from markupsafe import Markup, escape

from pairhub.domain.overview import HOUR_MS, DeliveryHour

WIDTH = 480
HEIGHT = 160
LEFT = 44
"""Room for the scale on the left."""
BOTTOM = 22
"""Room for the hour labels below."""
TOP = 8
LABEL_EVERY = 6
"""One hour label every this many bars."""


def _hour(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def _bar_title(hour: DeliveryHour) -> str:
    start, end = _hour(hour.start), _hour(hour.start + HOUR_MS)
    attempts = f"{hour.attempts} attempt{'' if hour.attempts == 1 else 's'}"
    return (
        f"{start:%Y-%m-%d %H:%M} to {end:%H:%M} UTC: {hour.events_delivered} events delivered, "
        f"{hour.events_failed} failed ({attempts})"
    )


def delivery_chart(hours: Sequence[DeliveryHour], chart_id: str) -> Markup:
    """One stacked bar per hour (events delivered, then failed), scaled to the busiest hour.

    Each bar carries a `<title>` (a tooltip, and what a screen reader reads); the chart's own title and
    description sum the whole window up.
    """
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - TOP - BOTTOM
    busiest = max((hour.events_delivered + hour.events_failed for hour in hours), default=0)
    scale = plot_height / busiest if busiest else 0.0
    slot = plot_width / max(1, len(hours))
    bar = max(1.0, slot * 0.72)
    base = TOP + plot_height
    delivered = sum(hour.events_delivered for hour in hours)
    failed = sum(hour.events_failed for hour in hours)
    summary = (
        f"Events per hour over the last {len(hours)} hours: {delivered} delivered, {failed} failed; "
        f"the busiest hour carried {busiest}."
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-testid="delivery-chart">',
        f'<title id="{chart_id}-title">Delivery per hour</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}"/>',
        f'<text class="scale" x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end">{busiest}</text>',
        f'<text class="scale" x="{LEFT - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    for index, hour in enumerate(hours):
        x = LEFT + index * slot + (slot - bar) / 2
        ok_height = hour.events_delivered * scale
        failed_height = hour.events_failed * scale
        parts.append(f'<g class="hour" data-start="{hour.start}"><title>{escape(_bar_title(hour))}</title>')
        # A full-height, invisible target: the tooltip shows over an empty hour too.
        parts.append(f'<rect class="target" x="{x:.2f}" y="{TOP}" width="{bar:.2f}" height="{plot_height}"/>')
        parts.append(
            f'<rect class="delivered" x="{x:.2f}" y="{base - ok_height:.2f}" '
            f'width="{bar:.2f}" height="{ok_height:.2f}"/>'
        )
        parts.append(
            f'<rect class="failed" x="{x:.2f}" y="{base - ok_height - failed_height:.2f}" '
            f'width="{bar:.2f}" height="{failed_height:.2f}"/>'
        )
        parts.append("</g>")
        if index % LABEL_EVERY == 0:
            label = f"{_hour(hour.start):%H}:00"
            parts.append(f'<text class="hour-label" x="{x + bar / 2:.2f}" y="{HEIGHT - 4}">{label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
