from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.secret_in import SecretIn
from ...models.subscription_secret_out import SubscriptionSecretOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    sub_id: str,
    *,
    body: SecretIn | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/organizations/{org_id}/subscriptions/{sub_id}/rotate-secret".format(
            org_id=quote(str(org_id), safe=""),
            sub_id=quote(str(sub_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SubscriptionSecretOut | None:
    if response.status_code == 200:
        response_200 = SubscriptionSecretOut.from_dict(response.json())

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
) -> Response[Problem | SubscriptionSecretOut]:
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
    body: SecretIn | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | SubscriptionSecretOut]:
    """Rotate a subscription's signing secret or key

     A new secret (shown once; yours when the body gives one) or key pair; the previous one keeps
    signing beside it for 24 hours.

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (SecretIn | Unset): Rotate the signing secret: to one pairhub makes, or to the one
            given.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubscriptionSecretOut]
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
    body: SecretIn | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Problem | SubscriptionSecretOut | None:
    """Rotate a subscription's signing secret or key

     A new secret (shown once; yours when the body gives one) or key pair; the previous one keeps
    signing beside it for 24 hours.

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (SecretIn | Unset): Rotate the signing secret: to one pairhub makes, or to the one
            given.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubscriptionSecretOut
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
    body: SecretIn | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | SubscriptionSecretOut]:
    """Rotate a subscription's signing secret or key

     A new secret (shown once; yours when the body gives one) or key pair; the previous one keeps
    signing beside it for 24 hours.

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (SecretIn | Unset): Rotate the signing secret: to one pairhub makes, or to the one
            given.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubscriptionSecretOut]
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
    body: SecretIn | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Problem | SubscriptionSecretOut | None:
    """Rotate a subscription's signing secret or key

     A new secret (shown once; yours when the body gives one) or key pair; the previous one keeps
    signing beside it for 24 hours.

    Args:
        org_id (str):
        sub_id (str):
        idempotency_key (str | Unset):
        body (SecretIn | Unset): Rotate the signing secret: to one pairhub makes, or to the one
            given.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubscriptionSecretOut
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
