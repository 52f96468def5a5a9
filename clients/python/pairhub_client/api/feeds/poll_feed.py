from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.beyond_retention_problem import BeyondRetentionProblem
from ...models.feed_poll_out import FeedPollOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    feed_id: str,
    *,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/feed/{feed_id}".format(
            feed_id=quote(str(feed_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BeyondRetentionProblem | FeedPollOut | Problem | None:
    if response.status_code == 200:
        response_200 = FeedPollOut.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BeyondRetentionProblem | FeedPollOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    feed_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | FeedPollOut | Problem]:
    """Poll a Datahub feed

     The events after the feed's position, which moves past them; the organization's key reads it.

    Args:
        feed_id (str):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | FeedPollOut | Problem]
    """

    kwargs = _get_kwargs(
        feed_id=feed_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    feed_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | FeedPollOut | Problem | None:
    """Poll a Datahub feed

     The events after the feed's position, which moves past them; the organization's key reads it.

    Args:
        feed_id (str):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | FeedPollOut | Problem
    """

    return sync_detailed(
        feed_id=feed_id,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    feed_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | FeedPollOut | Problem]:
    """Poll a Datahub feed

     The events after the feed's position, which moves past them; the organization's key reads it.

    Args:
        feed_id (str):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | FeedPollOut | Problem]
    """

    kwargs = _get_kwargs(
        feed_id=feed_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    feed_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | FeedPollOut | Problem | None:
    """Poll a Datahub feed

     The events after the feed's position, which moves past them; the organization's key reads it.

    Args:
        feed_id (str):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | FeedPollOut | Problem
    """

    return (
        await asyncio_detailed(
            feed_id=feed_id,
            client=client,
            limit=limit,
        )
    ).parsed
