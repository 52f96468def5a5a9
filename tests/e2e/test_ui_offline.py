"""Everything the server offers works with no network but loopback: the UI and the API docs."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import Server, shot, sign_in


def _loopback_only(page: Page) -> list[str]:
    """Abort every request that leaves loopback; return the list of what was refused."""
    refused: list[str] = []

    def route(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return refused


def test_the_api_docs_render_their_operations_offline(page: Page) -> None:
    refused = _loopback_only(page)
    page.goto("/docs")
    expect(page.get_by_text("POST/v1/unit-messages").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "docs-offline")
    assert refused == []


def test_ui_pages_load_nothing_from_another_host(page: Page, server: Server) -> None:
    refused = _loopback_only(page)
    sign_in(page, server)
    page.goto("/ui/organizations")
    expect(page.get_by_role("heading", name="Organizations")).to_be_visible()
    styled = page.evaluate("getComputedStyle(document.querySelector('header.top')).display")
    assert styled != "inline", "the stylesheet was not applied"
    assert page.evaluate("typeof htmx") == "object", "htmx was not loaded"
    assert page.request.get("/favicon.ico").ok
    assert refused == []
