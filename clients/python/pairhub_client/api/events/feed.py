from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.beyond_retention_problem import BeyondRetentionProblem
from ...models.event_type import EventType
from ...models.page_out_feed_item_out import PageOutFeedItemOut
from ...models.problem import Problem
from ...models.reason import Reason
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    *,
    event_version: int | Unset = 1,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    event_type: EventType | None | Unset = UNSET,
    reason: None | Reason | Unset = UNSET,
    unit_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    asset_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["eventVersion"] = event_version

    json_after: None | str | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params["limit"] = limit

    json_event_type: None | str | Unset
    if isinstance(event_type, Unset):
        json_event_type = UNSET
    elif isinstance(event_type, EventType):
        json_event_type = event_type.value
    else:
        json_event_type = event_type
    params["eventType"] = json_event_type

    json_reason: None | str | Unset
    if isinstance(reason, Unset):
        json_reason = UNSET
    elif isinstance(reason, Reason):
        json_reason = reason.value
    else:
        json_reason = reason
    params["reason"] = json_reason

    json_unit_id: None | str | Unset
    if isinstance(unit_id, Unset):
        json_unit_id = UNSET
    else:
        json_unit_id = unit_id
    params["unitId"] = json_unit_id

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_asset_id: None | str | Unset
    if isinstance(asset_id, Unset):
        json_asset_id = UNSET
    else:
        json_asset_id = asset_id
    params["assetId"] = json_asset_id

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    else:
        json_until = until
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/organizations/{org_id}/events".format(
            org_id=quote(str(org_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BeyondRetentionProblem | PageOutFeedItemOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageOutFeedItemOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = BeyondRetentionProblem.from_dict(response.json())

        return response_410

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BeyondRetentionProblem | PageOutFeedItemOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: str,
    *,
    client: AuthenticatedClient,
    event_version: int | Unset = 1,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    event_type: EventType | None | Unset = UNSET,
    reason: None | Reason | Unset = UNSET,
    unit_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    asset_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> Response[BeyondRetentionProblem | PageOutFeedItemOut | Problem]:
    """Read the event feed

     The organization's events after the cursor, in order, as webhooks of that version carry them.

    The filters combine; pass the same filters with `after` to read the next page.

    Args:
        org_id (str):
        event_version (int | Unset):  Default: 1.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.
        event_type (EventType | None | Unset): Only this type.
        reason (None | Reason | Unset): Only `unit.paired` events of this reason.
        unit_id (None | str | Unset): Only this unit (its exact id).
        q (None | str | Unset): Any part of the unit id, case-insensitive.
        asset_id (None | str | Unset): Only events naming this asset.
        since (None | str | Unset): Registered at or after this instant: ISO 8601 date and time
            with a UTC offset, e.g. `2025-05-13T13:18:00Z`.
        until (None | str | Unset): Registered before this instant: ISO 8601 date and time with a
            UTC offset, e.g. `2025-05-13T13:18:00Z`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutFeedItemOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        event_version=event_version,
        after=after,
        limit=limit,
        event_type=event_type,
        reason=reason,
        unit_id=unit_id,
        q=q,
        asset_id=asset_id,
        since=since,
        until=until,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: str,
    *,
    client: AuthenticatedClient,
    event_version: int | Unset = 1,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    event_type: EventType | None | Unset = UNSET,
    reason: None | Reason | Unset = UNSET,
    unit_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    asset_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> BeyondRetentionProblem | PageOutFeedItemOut | Problem | None:
    """Read the event feed

     The organization's events after the cursor, in order, as webhooks of that version carry them.

    The filters combine; pass the same filters with `after` to read the next page.

    Args:
        org_id (str):
        event_version (int | Unset):  Default: 1.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.
        event_type (EventType | None | Unset): Only this type.
        reason (None | Reason | Unset): Only `unit.paired` events of this reason.
        unit_id (None | str | Unset): Only this unit (its exact id).
        q (None | str | Unset): Any part of the unit id, case-insensitive.
        asset_id (None | str | Unset): Only events naming this asset.
        since (None | str | Unset): Registered at or after this instant: ISO 8601 date and time
            with a UTC offset, e.g. `2025-05-13T13:18:00Z`.
        until (None | str | Unset): Registered before this instant: ISO 8601 date and time with a
            UTC offset, e.g. `2025-05-13T13:18:00Z`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutFeedItemOut | Problem
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        event_version=event_version,
        after=after,
        limit=limit,
        event_type=event_type,
        reason=reason,
        unit_id=unit_id,
        q=q,
        asset_id=asset_id,
        since=since,
        until=until,
    ).parsed


async def asyncio_detailed(
    org_id: str,
    *,
    client: AuthenticatedClient,
    event_version: int | Unset = 1,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    event_type: EventType | None | Unset = UNSET,
    reason: None | Reason | Unset = UNSET,
    unit_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    asset_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> Response[BeyondRetentionProblem | PageOutFeedItemOut | Problem]:
    """Read the event feed

     The organization's events after the cursor, in order, as webhooks of that version carry them.

    The filters combine; pass the same filters with `after` to read the next page.

    Args:
        org_id (str):
        event_version (int | Unset):  Default: 1.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.
        event_type (EventType | None | Unset): Only this type.
        reason (None | Reason | Unset): Only `unit.paired` events of this reason.
        unit_id (None | str | Unset): Only this unit (its exact id).
        q (None | str | Unset): Any part of the unit id, case-insensitive.
        asset_id (None | str | Unset): Only events naming this asset.
        since (None | str | Unset): Registered at or after this instant: ISO 8601 date and time
            with a UTC offset, e.g. `2025-05-13T13:18:00Z`.
        until (None | str | Unset): Registered before this instant: ISO 8601 date and time with a
            UTC offset, e.g. `2025-05-13T13:18:00Z`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutFeedItemOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        event_version=event_version,
        after=after,
        limit=limit,
        event_type=event_type,
        reason=reason,
        unit_id=unit_id,
        q=q,
        asset_id=asset_id,
        since=since,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: str,
    *,
    client: AuthenticatedClient,
    event_version: int | Unset = 1,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    event_type: EventType | None | Unset = UNSET,
    reason: None | Reason | Unset = UNSET,
    unit_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    asset_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> BeyondRetentionProblem | PageOutFeedItemOut | Problem | None:
    """Read the event feed

     The organization's events after the cursor, in order, as webhooks of that version carry them.

    The filters combine; pass the same filters with `after` to read the next page.

    Args:
        org_id (str):
        event_version (int | Unset):  Default: 1.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.
        event_type (EventType | None | Unset): Only this type.
        reason (None | Reason | Unset): Only `unit.paired` events of this reason.
        unit_id (None | str | Unset): Only this unit (its exact id).
        q (None | str | Unset): Any part of the unit id, case-insensitive.
        asset_id (None | str | Unset): Only events naming this asset.
        since (None | str | Unset): Registered at or after this instant: ISO 8601 date and time
            with a UTC offset, e.g. `2025-05-13T13:18:00Z`.
        until (None | str | Unset): Registered before this instant: ISO 8601 date and time with a
            UTC offset, e.g. `2025-05-13T13:18:00Z`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutFeedItemOut | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            event_version=event_version,
            after=after,
            limit=limit,
            event_type=event_type,
            reason=reason,
            unit_id=unit_id,
            q=q,
            asset_id=asset_id,
            since=since,
            until=until,
        )
    ).parsed
