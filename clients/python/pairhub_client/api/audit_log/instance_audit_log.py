from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.beyond_retention_problem import BeyondRetentionProblem
from ...models.page_out_audit_entry_out import PageOutAuditEntryOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_target_id: None | str | Unset
    if isinstance(target_id, Unset):
        json_target_id = UNSET
    else:
        json_target_id = target_id
    params["targetId"] = json_target_id

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

    json_after: None | str | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit-log",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BeyondRetentionProblem | PageOutAuditEntryOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageOutAuditEntryOut.from_dict(response.json())

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
) -> Response[BeyondRetentionProblem | PageOutAuditEntryOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | PageOutAuditEntryOut | Problem]:
    """The instance's own changes

     The instance's own changes (platform admin): platform-admin rights granted or taken, people deleted.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        target_id (None | str | Unset):
        since (None | str | Unset): ISO 8601 with an offset.
        until (None | str | Unset): ISO 8601 with an offset.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutAuditEntryOut | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        target_id=target_id,
        since=since,
        until=until,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | PageOutAuditEntryOut | Problem | None:
    """The instance's own changes

     The instance's own changes (platform admin): platform-admin rights granted or taken, people deleted.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        target_id (None | str | Unset):
        since (None | str | Unset): ISO 8601 with an offset.
        until (None | str | Unset): ISO 8601 with an offset.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutAuditEntryOut | Problem
    """

    return sync_detailed(
        client=client,
        actor=actor,
        action=action,
        target_id=target_id,
        since=since,
        until=until,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | PageOutAuditEntryOut | Problem]:
    """The instance's own changes

     The instance's own changes (platform admin): platform-admin rights granted or taken, people deleted.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        target_id (None | str | Unset):
        since (None | str | Unset): ISO 8601 with an offset.
        until (None | str | Unset): ISO 8601 with an offset.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutAuditEntryOut | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        target_id=target_id,
        since=since,
        until=until,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    since: None | str | Unset = UNSET,
    until: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | PageOutAuditEntryOut | Problem | None:
    """The instance's own changes

     The instance's own changes (platform admin): platform-admin rights granted or taken, people deleted.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        target_id (None | str | Unset):
        since (None | str | Unset): ISO 8601 with an offset.
        until (None | str | Unset): ISO 8601 with an offset.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutAuditEntryOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            action=action,
            target_id=target_id,
            since=since,
            until=until,
            after=after,
            limit=limit,
        )
    ).parsed
