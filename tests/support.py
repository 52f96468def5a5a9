"""Helpers that make API tests read like the use case."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi.testclient import TestClient


@dataclass
class Org:
    """An organization created for a test, with its API key."""

    id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization headers for this organization."""
        return {"Authorization": f"Bearer {self.key}"}


PASSWORD = "correct horse battery staple"
"""Every person the tests make has this password."""


@dataclass(frozen=True)
class Person:
    """A person made for a test (password `PASSWORD`)."""

    id: str
    email: str


class Api:
    """Thin wrapper over the test client with the admin token at hand."""

    def __init__(self, client: TestClient, admin_token: str) -> None:
        self.client = client
        self.admin = {"Authorization": f"Bearer {admin_token}"}

    def new_org(self, name: str = "Acme Trailers", **fields: Any) -> Org:
        """Create an organization and a key for it."""
        created = self.client.post("/v1/organizations", json={"name": name, **fields}, headers=self.admin)
        assert created.status_code == 201, created.text
        org_id = created.json()["id"]
        key = self.client.post(f"/v1/organizations/{org_id}/api-keys", headers=self.admin)
        assert key.status_code == 201, key.text
        return Org(org_id, key.json()["key"])

    def new_person(self, org: Org, role: str = "owner", email: str | None = None) -> Person:
        """A person with `role` in the organization: invited with the admin token, accepted by API."""
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.com"
        invited = self.client.post(
            f"/v1/organizations/{org.id}/invitations", json={"email": email, "role": role}, headers=self.admin
        )
        assert invited.status_code == 201, invited.text
        token = invited.json()["url"].rsplit("/", 1)[-1]
        accepted = self.client.post(
            f"/v1/invitations/{token}/accept", json={"name": role.title(), "password": PASSWORD}
        )
        assert accepted.status_code == 201, accepted.text
        return Person(accepted.json()["userId"], email)

    def new_asset(self, org: Org, vin: str | None = None, name: str | None = None) -> dict[str, Any]:
        """Create an asset and return it."""
        body: dict[str, Any] = {}
        if vin is not None:
            body["vin"] = vin
        if name is not None:
            body["name"] = name
        response = self.client.post(f"/v1/organizations/{org.id}/assets", json=body, headers=org.headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def new_unit(self, org: Org, unit_id: str) -> dict[str, Any]:
        """Provision a unit and return it."""
        response = self.client.post(
            f"/v1/organizations/{org.id}/units", json={"unitId": unit_id}, headers=org.headers
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def pair(self, org: Org, unit_id: str, asset_id: str) -> Any:
        """Manually pair; returns the raw response."""
        return self.client.post(
            f"/v1/organizations/{org.id}/pairings",
            json={"unitId": unit_id, "assetId": asset_id},
            headers=org.headers,
        )

    def unpair(self, org: Org, unit_id: str) -> Any:
        """Manually unpair; returns the raw response."""
        return self.client.delete(f"/v1/organizations/{org.id}/pairings/{unit_id}", headers=org.headers)

    def send(self, *messages: dict[str, Any]) -> dict[str, Any]:
        """Post unit messages (the admin token may ingest too) and return the 202 answer."""
        response = self.client.post(
            "/v1/unit-messages", json={"messages": list(messages)}, headers=self.admin
        )
        assert response.status_code == 202, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def unit(self, org: Org, unit_id: str) -> dict[str, Any]:
        """A unit as the API shows it."""
        response = self.client.get(f"/v1/organizations/{org.id}/units/{unit_id}", headers=org.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def feed(self, org: Org, version: int = 1, after: str | None = None) -> list[dict[str, Any]]:
        """Every event of the organization's feed in `version`."""
        items: list[dict[str, Any]] = []
        cursor = after
        while True:
            params: dict[str, Any] = {"eventVersion": version, "limit": 1000}
            if cursor:
                params["after"] = cursor
            page = self.client.get(f"/v1/organizations/{org.id}/events", params=params, headers=org.headers)
            assert page.status_code == 200, page.text
            body = page.json()
            items.extend(body["data"])
            cursor = body["nextCursor"]
            if cursor is None:
                return items


@contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    """Serve an ASGI app over real HTTP on 127.0.0.1:`port` (lifespan off) and yield its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
