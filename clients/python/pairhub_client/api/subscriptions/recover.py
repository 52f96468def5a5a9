from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recover_in import RecoverIn
from ...models.recover_out import RecoverOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    sub_id: str,
    *,
    body: RecoverIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/organizations/{org_id}/subscriptions/{sub_id}/recover".format(
            org_id=quote(str(org_id), safe=""),
            sub_id=quote(str(sub_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RecoverOut | None:
    if response.status_code == 202:
        response_202 = RecoverOut.from_dict(response.json())

        return response_202

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

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
) -> Response[Problem | RecoverOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: str,
    sub_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | RecoverOut]:
    """Send events again since a moment

     Send every event registered since `since` again, as new batches after the pending ones, in order.

    Events older than the retention are not sent again (they would expire at once).

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (RecoverIn): From when on to send the events again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecoverOut]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        sub_id=sub_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: str,
    sub_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverIn,
    idempotency_key: str | Unset = UNSET,
) -> Problem | RecoverOut | None:
    """Send events again since a moment

     Send every event registered since `since` again, as new batches after the pending ones, in order.

    Events older than the retention are not sent again (they would expire at once).

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (RecoverIn): From when on to send the events again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecoverOut
    """

    return sync_detailed(
        org_id=org_id,
        sub_id=sub_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    org_id: str,
    sub_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | RecoverOut]:
    """Send events again since a moment

     Send every event registered since `since` again, as new batches after the pending ones, in order.

    Events older than the retention are not sent again (they would expire at once).

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (RecoverIn): From when on to send the events again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecoverOut]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        sub_id=sub_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: str,
    sub_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverIn,
    idempotency_key: str | Unset = UNSET,
) -> Problem | RecoverOut | None:
    """Send events again since a moment

     Send every event registered since `since` again, as new batches after the pending ones, in order.

    Events older than the retention are not sent again (they would expire at once).

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (RecoverIn): From when on to send the events again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecoverOut
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            sub_id=sub_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
