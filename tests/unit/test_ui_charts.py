"""The overview's delivery chart: one bar per hour, scaled to the busiest hour, with accessible titles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pairhub.domain.overview import HOUR_MS, DeliveryHour, every_hour, nearest_rank, window_ending_at
from pairhub.entrypoints.ui import charts

SVG = "{http://www.w3.org/2000/svg}"
NOW = 485_000 * HOUR_MS + 25 * 60_000  # 2025-04-30T08:25Z


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def _day(found: dict[int, DeliveryHour]) -> tuple[DeliveryHour, ...]:
    return every_hour(window_ending_at(NOW), found)


def test_the_window_is_24_clock_hours_ending_with_the_current_one() -> None:
    window = window_ending_at(NOW)

    assert len(window.hours) == 24
    assert window.hours[-1] == 485_000 * HOUR_MS
    assert window.start == window.hours[0] == 484_977 * HOUR_MS
    assert window.end == NOW + 1


def test_one_bar_per_hour_scaled_to_the_busiest_hour() -> None:
    start = window_ending_at(NOW).start
    busy, half = start + 3 * HOUR_MS, start + 10 * HOUR_MS
    hours = _day(
        {
            busy: DeliveryHour(busy, events_delivered=30, events_failed=10, attempts=4),
            half: DeliveryHour(half, events_delivered=20, events_failed=0, attempts=2),
        }
    )

    svg = _parse(charts.delivery_chart(hours, "c1"))

    groups = svg.findall(f"{SVG}g")
    assert len(groups) == 24
    assert [int(group.get("data-start", "")) for group in groups] == [hour.start for hour in hours]
    plot = charts.HEIGHT - charts.TOP - charts.BOTTOM

    def heights(index: int) -> tuple[float, float]:
        rects = {
            rect.get("class"): float(rect.get("height", "")) for rect in groups[index].findall(f"{SVG}rect")
        }
        return rects["delivered"], rects["failed"]

    # The busiest hour (40 events) fills the plot; 20 events fill half of it; quiet hours draw nothing.
    assert heights(3) == (plot * 30 / 40, plot * 10 / 40)
    assert sum(heights(3)) == plot
    assert heights(10) == (plot / 2, 0.0)
    assert heights(0) == (0.0, 0.0)
    assert svg.findtext(f"{SVG}text[@class='scale']") == "40"


def test_every_bar_and_the_chart_have_titles_a_screen_reader_reads() -> None:
    start = window_ending_at(NOW).start
    hours = _day({start: DeliveryHour(start, events_delivered=1, events_failed=2, attempts=3)})

    svg = _parse(charts.delivery_chart(hours, "c7"))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c7-title c7-desc"
    assert svg.findtext(f"{SVG}title") == "Delivery per hour"
    assert svg.findtext(f"{SVG}desc") == (
        "Events per hour over the last 24 hours: 1 delivered, 2 failed; the busiest hour carried 3."
    )
    first = svg.find(f"{SVG}g")
    assert first is not None
    assert first.findtext(f"{SVG}title") == (
        "2025-04-29 09:00 to 10:00 UTC: 1 events delivered, 2 failed (3 attempts)"
    )
    labels = [text.text for text in svg.findall(f"{SVG}text[@class='hour-label']")]
    assert labels == ["09:00", "15:00", "21:00", "03:00"]


def test_a_quiet_day_draws_24_empty_bars_without_dividing_by_zero() -> None:
    svg = _parse(charts.delivery_chart(_day({}), "quiet"))

    assert len(svg.findall(f"{SVG}g")) == 24
    assert {rect.get("height") for rect in svg.iter(f"{SVG}rect") if rect.get("class") != "target"} == {
        "0.00"
    }


def test_nearest_rank_positions() -> None:
    assert [nearest_rank(1, 50), nearest_rank(1, 95)] == [0, 0]
    assert [nearest_rank(5, 50), nearest_rank(5, 95)] == [2, 4]
    assert [nearest_rank(100, 50), nearest_rank(100, 95)] == [49, 94]
    assert [nearest_rank(20, 95), nearest_rank(21, 95)] == [18, 19]
