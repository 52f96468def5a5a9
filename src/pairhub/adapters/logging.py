"""Structured logs with structlog: readable on a console, one JSON object per line in production."""

from __future__ import annotations

import logging
import sys

import structlog


def _stderr_logger(*_: object) -> structlog.PrintLogger:
    return structlog.PrintLogger(sys.stderr)


def configure(log_format: str = "console", level: int = logging.INFO) -> None:
    """Configure structlog and the standard library logging it feeds."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # Look sys.stderr up per logger: a file captured at configure time may be closed later.
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
