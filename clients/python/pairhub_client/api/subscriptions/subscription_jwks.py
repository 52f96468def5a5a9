from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.jwk_set_out import JwkSetOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    sub_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/subscriptions/{sub_id}/jwks.json".format(
            sub_id=quote(str(sub_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JwkSetOut | Problem | None:
    if response.status_code == 200:
        response_200 = JwkSetOut.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[JwkSetOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sub_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[JwkSetOut | Problem]:
    """Get a subscription's public keys (JWK Set)

     The public keys of an ed25519 subscription as a JWK Set; no token needed, receivers fetch it.

    Args:
        sub_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JwkSetOut | Problem]
    """

    kwargs = _get_kwargs(
        sub_id=sub_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sub_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> JwkSetOut | Problem | None:
    """Get a subscription's public keys (JWK Set)

     The public keys of an ed25519 subscription as a JWK Set; no token needed, receivers fetch it.

    Args:
        sub_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JwkSetOut | Problem
    """

    return sync_detailed(
        sub_id=sub_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    sub_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[JwkSetOut | Problem]:
    """Get a subscription's public keys (JWK Set)

     The public keys of an ed25519 subscription as a JWK Set; no token needed, receivers fetch it.

    Args:
        sub_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JwkSetOut | Problem]
    """

    kwargs = _get_kwargs(
        sub_id=sub_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sub_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> JwkSetOut | Problem | None:
    """Get a subscription's public keys (JWK Set)

     The public keys of an ed25519 subscription as a JWK Set; no token needed, receivers fetch it.

    Args:
        sub_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JwkSetOut | Problem
    """

    return (
        await asyncio_detailed(
            sub_id=sub_id,
            client=client,
        )
    ).parsed
