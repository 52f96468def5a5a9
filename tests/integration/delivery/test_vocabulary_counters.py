"""One vocabulary: the overview, the subscription page, the API and `/metrics` count the same history alike.

A retried then delivered batch, a refused batch, and a held batch that expires: each number is read
from all four places and must agree (events delivered / waiting / refused / expired; attempts
succeeded / retried / refused).
"""

from __future__ import annotations

import re
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, Reply, drain, pair_units, subscribe
from tests.support import PASSWORD, Api, Org

PATH = "/hook"


def _metrics(api: Api) -> dict[tuple[str, str], float]:
    """Attempts per result and events per result, summed over the other labels."""
    found: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(api.client.get("/metrics").text):
        if family.name not in {"pairhub_webhook_attempts", "pairhub_webhook_events"}:
            continue
        for sample in family.samples:
            if sample.name.endswith("_total"):
                key = (family.name, sample.labels["result"])
                found[key] = found.get(key, 0.0) + sample.value
    return found


def _shown(html: str, testid: str) -> int:
    """The number a page shows in the counter with this test id."""
    match = re.search(rf'data-testid="{testid}">(\d+)<', html)
    assert match, f"no counter {testid}"
    return int(match.group(1))


def _ui(api: Api, org: Org, path: str) -> str:
    person = api.new_person(org, "viewer")
    sign_in_page = api.client.get("/ui/sign-in")
    csrf = sign_in_page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    api.client.post("/ui/sign-in", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf})
    page = api.client.get(path)
    assert page.status_code == 200, page.text[:300]
    return page.text


async def test_the_overview_the_subscription_page_the_api_and_metrics_agree(
    api: Api, container: Container, receiver: Receiver, clock: ManualClock
) -> None:
    before = _metrics(api)
    org = api.new_org()
    sub = subscribe(api, org, receiver.url(PATH), eventNames=["unit.paired"])
    receiver.script(PATH, Reply(status=503), Reply(status=200), Reply(status=400))
    pair_units(container, org.id, 1, prefix="retried")
    await drain(container.delivery_worker)  # 503: retried
    clock.advance(10)
    await drain(container.delivery_worker)  # 200: delivered
    pair_units(container, org.id, 1, prefix="refused")
    await drain(container.delivery_worker)  # 400: refused for good
    receiver.always(PATH, 503)
    pair_units(container, org.id, 2, prefix="held")
    for _ in range(3):  # retried until the subscription is on hold
        await drain(container.delivery_worker)
        clock.advance(30)
    clock.advance(3600.001)  # the held events wait longer than the retention: they expire
    await drain(container.delivery_worker)
    after = _metrics(api)

    def delta(family: str, result: str) -> int:
        return int(after.get((family, result), 0.0) - before.get((family, result), 0.0))

    api_sub: dict[str, Any] = api.client.get(
        f"/v1/organizations/{org.id}/subscriptions/{sub['id']}", headers=org.headers
    ).json()
    [health] = api.client.get(f"/v1/organizations/{org.id}/overview", headers=org.headers).json()[
        "subscriptions"
    ]
    hours = health["lastDay"]["hours"]
    attempts = {
        result: sum(hour[f"attempts{result.title()}"] for hour in hours)
        for result in ("succeeded", "retried", "refused")
    }
    overview = _ui(api, org, "/ui/overview")
    page = _ui(api, org, f"/ui/subscriptions/{sub['id']}")

    # The history, as it happened.
    assert api_sub["counters"] == {"eventsDelivered": 1, "eventsRefused": 1, "eventsExpired": 2}
    assert api_sub["backlogEvents"] == 0
    assert attempts["succeeded"] == 1
    assert attempts["refused"] == 1
    assert attempts["retried"] >= 4  # one before the delivery, three before the hold (and any probe)
    # Events: the API's counters, the overview (API and page), the subscription page and the metrics.
    for result, counter in (("delivered", "eventsDelivered"), ("expired", "eventsExpired")):
        assert health[counter] == api_sub["counters"][counter] == delta("pairhub_webhook_events", result)
    assert health["eventsRefused"] == api_sub["counters"]["eventsRefused"]
    assert delta("pairhub_webhook_events", "refused") == 1
    assert _shown(overview, "range-delivered") == sum(hour["eventsDelivered"] for hour in hours) == 1
    assert _shown(overview, "expired") == _shown(page, "expired") == 2
    assert _shown(overview, "backlog") == _shown(page, "backlog") == 0
    assert (_shown(page, "delivered"), _shown(page, "refused")) == (1, 1)
    # Attempts: the overview's hours, its page, the subscription page and the metrics.
    for result, count in attempts.items():
        assert _shown(overview, f"range-{result}") == _shown(page, f"day-{result}") == count
        assert delta("pairhub_webhook_attempts", result) == count
    # One meaning per word: "failed" is not a counter any more.
    assert "failed" not in re.sub(r"<[^>]+>", " ", overview).lower().split("webhook delivery")[1]
