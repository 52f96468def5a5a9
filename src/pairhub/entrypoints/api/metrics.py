"""Prometheus metrics of the HTTP layer."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "pairhub_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "pairhub_http_request_duration_seconds", "HTTP request duration.", ["method", "route"]
)
