"""A fast loopback webhook receiver that counts requests and events (run as its own process)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from aiohttp import web


class Stats:
    """What arrived so far."""

    def __init__(self) -> None:
        self.requests = 0
        self.events = 0
        self.first_at = 0.0
        self.last_at = 0.0
        self.record = False
        self.arrivals: list[tuple[str, float]] = []


def build_app(stats: Stats) -> web.Application:
    """Answer 200 to every POST, and expose /_stats, /_reset and /_arrivals."""

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        if request.path.startswith("/slow/"):
            # A receiver that takes 20 ms to answer, as real ones do: the scale-out figure's load.
            await asyncio.sleep(0.02)
        now = time.time()
        stats.requests += 1
        # Counting the key is exact for pairhub envelopes and far cheaper than parsing at 10k req/s.
        stats.events += body.count(b'"eventType"')
        stats.first_at = stats.first_at or now
        stats.last_at = now
        if stats.record:
            for item in json.loads(body)["eventsData"]:
                stats.arrivals.append((item["eventData"]["unitId"], now))
        return web.Response(status=200)

    async def read_stats(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "requests": stats.requests,
                "events": stats.events,
                "firstAt": stats.first_at,
                "lastAt": stats.last_at,
            }
        )

    async def reset(request: web.Request) -> web.Response:
        stats.__init__()  # type: ignore[misc]
        stats.record = request.query.get("record") == "1"
        return web.Response(status=204)

    async def arrivals(_: web.Request) -> web.Response:
        return web.json_response(stats.arrivals)

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_get("/_stats", read_stats)
    app.router.add_post("/_reset", reset)
    app.router.add_get("/_arrivals", arrivals)
    app.router.add_post("/{tail:.*}", hook)
    return app


def main() -> None:
    """Serve on the given port until killed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(build_app(Stats()), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
