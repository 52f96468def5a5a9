"""Measure outgoing HTTP clients for webhook delivery: aiohttp vs httpx posting to a loopback receiver.

Run: `.venv/bin/python bench/http_clients.py [--requests N]`. The receiver is an aiohttp server in its own
process (so client and server do not share one event loop); each client posts a 1 KB body with
keep-alive, one request at a time and with 16 in flight, in interleaved rounds. Prints the best
requests per second per client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import time
from collections.abc import Awaitable, Callable
from multiprocessing.synchronize import Event as EventType

import aiohttp
import httpx
from aiohttp import web

from pairhub.adapters.http.sender import AiohttpSender
from pairhub.adapters.http.ssrf import TargetGuard, system_resolver

BODY = json.dumps({"eventBatchId": "x" * 36, "eventsData": [{"pad": "y" * 900}]}).encode()
HEADERS = {"Content-Type": "application/json", "webhook-id": "bench"}
Post = Callable[[], Awaitable[int]]


def _serve(port: int, ready: EventType) -> None:
    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="ok")

    async def serve_forever() -> None:
        app = web.Application()
        app.router.add_post("/hook", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(serve_forever())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _measure(post: Post, total: int, in_flight: int) -> float:
    for _ in range(50):  # warm up connections
        await post()
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            status = await post()
            assert status == 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return total / (time.perf_counter() - started)


async def _aiohttp(url: str, total: int, in_flight: int) -> float:
    async with aiohttp.ClientSession() as session:

        async def post() -> int:
            async with session.post(url, data=BODY, headers=HEADERS) as response:
                await response.read()
                return response.status

        return await _measure(post, total, in_flight)


async def _httpx(url: str, total: int, in_flight: int) -> float:
    async with httpx.AsyncClient() as client:

        async def post() -> int:
            response = await client.post(url, content=BODY, headers=HEADERS)
            return response.status_code

        return await _measure(post, total, in_flight)


async def _pairhub_sender(url: str, total: int, in_flight: int) -> float:
    guard = TargetGuard(system_resolver, allow_private=True, allow_insecure=True)
    sender = AiohttpSender(guard, 5.0)

    async def post() -> int:
        result = await sender.send(url, BODY, HEADERS)
        return result.status or 0

    try:
        return await _measure(post, total, in_flight)
    finally:
        await sender.close()


CLIENTS = {"aiohttp": _aiohttp, "httpx": _httpx, "pairhub AiohttpSender": _pairhub_sender}


async def run(url: str, total: int, rounds: int) -> dict[str, dict[int, float]]:
    """Best requests per second of `rounds` interleaved runs, by client and concurrency.

    The best run is reported because other processes on the machine only ever slow a run down.
    """
    results: dict[str, dict[int, float]] = {}
    for _ in range(rounds):
        for in_flight in (1, 16):
            for name, measure in CLIENTS.items():
                rate = await measure(url, total, in_flight)
                best = results.setdefault(name, {})
                best[in_flight] = max(best.get(in_flight, 0.0), rate)
    return results


def main() -> None:
    """Start the receiver, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    port = _free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(10):
            raise SystemExit("receiver did not start")
        results = asyncio.run(run(f"http://127.0.0.1:{port}/hook", args.requests, args.rounds))
    finally:
        server.terminate()
        server.join()
    print(
        f"{'client':<24}{'1 in flight':>14}{'16 in flight':>14}"
        f"   (requests/s, best of {args.rounds} x {args.requests} POSTs)"
    )
    for name, by_concurrency in results.items():
        print(f"{name:<24}{by_concurrency[1]:>14.0f}{by_concurrency[16]:>14.0f}")


if __name__ == "__main__":
    main()
