"""`pairhub serve --demo`: a seeded demo fleet, simulated units, and a built-in webhook receiver.

On an empty database the demo creates an organization with auto pairing on, assets, units and a
webhook subscription whose URL is this server's own `/demo/receiver`. Once the server listens, a
script of simulated units reports VINs through the ingest service so that every pairing outcome
happens live; the received batches are shown at `/demo/batches`. A database that already holds data
is never touched. `PAIRHUB_DEMO_SPEED` (default 1) runs the whole script that many times faster.
"""

from __future__ import annotations

from pairhub.entrypoints.demo.fleet import ASSETS, LATE_ASSET, ORGANIZATION_NAME, UNITS
from pairhub.entrypoints.demo.receiver import install_receiver
from pairhub.entrypoints.demo.script import with_simulation
from pairhub.entrypoints.demo.seed import seed_demo
from pairhub.entrypoints.demo.settings import demo_settings, loopback_url

__all__ = [
    "ASSETS",
    "LATE_ASSET",
    "ORGANIZATION_NAME",
    "UNITS",
    "demo_settings",
    "install_receiver",
    "loopback_url",
    "seed_demo",
    "with_simulation",
]
