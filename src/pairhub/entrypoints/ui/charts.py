"""Charts drawn on the server as SVG: no script and no chart library, and they print and scale.

Times in a chart are written in UTC and carry their instant (`data-at`); `static/times.js` rewrites
them in the viewer's zone, as it does for every other time of the console.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup, escape

from pairhub.domain.overview import DeliveryBucket, PairingBucket, Window
from pairhub.domain.vocabulary import PAIRING_OUTCOMES, plural

WIDTH = 800
HEIGHT = 200
LEFT = 40
"""Room for the scale on the left."""
BOTTOM = 24
"""Room for the time labels below."""
TOP = 8
LABELS = 6
"""About this many time labels along the axis, the current bucket's always among them."""


@dataclass(frozen=True)
class Series:
    """One stacked part of every bar: its CSS class (the colour), its name, and its value per bucket."""

    css: str
    name: str
    values: Sequence[int]


def _utc(epoch_ms: int, daily: bool) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return f"{moment:%m-%d}" if daily else f"{moment:%H:%M}"


def _stacked(
    window: Window, series: Sequence[Series], titles: Sequence[str], chart_id: str, title: str, unit: str
) -> Markup:
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - TOP - BOTTOM
    totals = [sum(part.values[index] for part in series) for index in range(window.buckets)]
    busiest = max(totals, default=0)
    scale = plot_height / busiest if busiest else 0.0
    slot = plot_width / max(1, window.buckets)
    bar = max(1.0, slot * 0.75)
    base = TOP + plot_height
    daily = window.bucket_ms >= 24 * 3_600_000
    spelled = ", ".join(f"{sum(part.values)} {part.name}" for part in series)
    summary = f"{title}: {spelled}; the busiest bar holds {plural(busiest, unit)}."
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-testid="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}"/>',
        f'<text class="scale" x="{LEFT - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    if busiest:
        parts.append(f'<text class="scale" x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end">{busiest}</text>')
    every = max(1, window.buckets // LABELS)
    last = window.buckets - 1
    for index, start in enumerate(window.starts):
        x = LEFT + index * slot + (slot - bar) / 2
        current = index == last
        css = "bucket current" if current else "bucket"
        end = start + window.bucket_ms
        parts.append(
            f'<g class="{css}" data-start="{start}" data-end="{end}"><title>{escape(titles[index])}</title>'
        )
        # A full-height, invisible target: the tooltip shows over an empty bucket too.
        parts.append(f'<rect class="target" x="{x:.2f}" y="{TOP}" width="{bar:.2f}" height="{plot_height}"/>')
        top = float(base)
        for part in series:
            height = part.values[index] * scale
            top -= height
            size = f'width="{bar:.2f}" height="{height:.2f}"'
            parts.append(f'<rect class="{part.css}" x="{x:.2f}" y="{top:.2f}" {size}/>')
        parts.append("</g>")
        # The newest bucket is always labelled ("now"); the others every few, away from it.
        if current or (index % every == 0 and last - index >= every // 2 + 1):
            anchor = "end" if current else "middle"
            label_x = x + bar if current else x + bar / 2
            text = "now" if current else _utc(start, daily)
            data = "" if current else f' data-at="{start}" data-format="{"day" if daily else "hour"}"'
            parts.append(
                f'<text class="time-label{" current" if current else ""}" x="{label_x:.2f}" '
                f'y="{HEIGHT - 6}" text-anchor="{anchor}"{data}>{text}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _span_title(window: Window, start: int) -> str:
    """A bucket's span in UTC; times.js rewrites it in the viewer's zone (`data-span` on the title)."""
    begin = datetime.fromtimestamp(start / 1000, tz=UTC)
    end = datetime.fromtimestamp((start + window.bucket_ms) / 1000, tz=UTC)
    return f"{begin:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def delivery_chart(window: Window, buckets: Sequence[DeliveryBucket], chart_id: str) -> Markup:
    """Attempts per bucket stacked by result (succeeded, retried, refused), scaled to the busiest bucket.

    Each bar carries a `<title>` (a tooltip, and what a screen reader reads) with the events it
    delivered; the chart's own title and description sum the whole window up.
    """
    series = (
        Series("succeeded", "attempts succeeded", [b.attempts_succeeded for b in buckets]),
        Series("retried", "retried", [b.attempts_retried for b in buckets]),
        Series("refused", "refused", [b.attempts_refused for b in buckets]),
    )
    titles = [
        f"{_span_title(window, b.start)}: {plural(b.events_delivered, 'event')} delivered; attempts: "
        f"{b.attempts_succeeded} succeeded, {b.attempts_retried} retried, {b.attempts_refused} refused"
        for b in buckets
    ]
    return _stacked(window, series, titles, chart_id, "Delivery attempts", "attempt")


def pairing_chart(window: Window, buckets: Sequence[PairingBucket], chart_id: str) -> Markup:
    """Pairing events per bucket stacked by outcome (paired automatically, by hand, unpaired, failures)."""
    series = tuple(
        Series(f"outcome-{key}", word.text, [b.by_outcome.get(key, 0) for b in buckets])
        for key, word in PAIRING_OUTCOMES.items()
    )
    titles = []
    for bucket in buckets:
        counted = [
            f"{bucket.by_outcome[key]} {word.text}"
            for key, word in PAIRING_OUTCOMES.items()
            if bucket.by_outcome.get(key)
        ]
        titles.append(f"{_span_title(window, bucket.start)}: {', '.join(counted) or 'nothing'}")
    return _stacked(window, series, titles, chart_id, "Pairing activity", "event")
