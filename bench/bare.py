"""Bare endpoints on pairhub's server stack (uvicorn, same loop and HTTP parser): the limits L-ingest, L-rtt.

`ingest` reads the body, parses it with orjson and answers 202; `rtt` commits one row to SQLite with
pairhub's durability settings, then POSTs to the receiver, then answers. Nothing else: what pairhub does
beyond this is what its figures measure.
"""

from __future__ import annotations

import argparse
import sqlite3
from typing import Any

import aiohttp
import orjson
import uvicorn

from pairhub.adapters.sql.engine import SQLITE_PRAGMAS

Scope = dict[str, Any]


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Any, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"{}"})


def ingest_app() -> Any:
    """Parse the body with orjson, answer 202."""

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        orjson.loads(await _body(receive))
        await _answer(send, 202)

    return app


def rtt_app(database: str, receiver_url: str) -> Any:
    """Commit one row with pairhub's durability settings, POST to the receiver, answer 200."""
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(pragma)
    connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
    session: aiohttp.ClientSession | None = None
    body = orjson.dumps({"eventsData": [{"eventType": "unit.paired", "eventData": {"unitId": "x"}}]})

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        nonlocal session
        if scope["type"] != "http":
            return
        unit = (await _body(receive)).decode()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t (v) VALUES (?)", (unit,))
        connection.execute("COMMIT")
        session = session or aiohttp.ClientSession()
        async with session.post(receiver_url, data=body, headers={"Content-Type": "application/json"}) as r:
            await r.read()
        await _answer(send, 200)

    return app


def main() -> None:
    """Serve one bare endpoint until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["ingest", "rtt"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", default="")
    parser.add_argument("--receiver", default="")
    args = parser.parse_args()
    app = ingest_app() if args.mode == "ingest" else rtt_app(args.database, args.receiver)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
