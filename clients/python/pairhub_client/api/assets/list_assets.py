from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_out_asset_out import PageOutAssetOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    *,
    vin: None | str | Unset = UNSET,
    paired: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_vin: None | str | Unset
    if isinstance(vin, Unset):
        json_vin = UNSET
    else:
        json_vin = vin
    params["vin"] = json_vin

    json_paired: bool | None | Unset
    if isinstance(paired, Unset):
        json_paired = UNSET
    else:
        json_paired = paired
    params["paired"] = json_paired

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

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
        "url": "/v1/organizations/{org_id}/assets".format(
            org_id=quote(str(org_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageOutAssetOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageOutAssetOut.from_dict(response.json())

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
) -> Response[PageOutAssetOut | Problem]:
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
    vin: None | str | Unset = UNSET,
    paired: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[PageOutAssetOut | Problem]:
    """List assets

     Assets, filtered by VIN, pairing state or a search fragment.

    Args:
        org_id (str):
        vin (None | str | Unset):
        paired (bool | None | Unset):
        q (None | str | Unset): Any part of the VIN or the name, case-insensitive.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOutAssetOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        vin=vin,
        paired=paired,
        q=q,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: str,
    *,
    client: AuthenticatedClient,
    vin: None | str | Unset = UNSET,
    paired: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> PageOutAssetOut | Problem | None:
    """List assets

     Assets, filtered by VIN, pairing state or a search fragment.

    Args:
        org_id (str):
        vin (None | str | Unset):
        paired (bool | None | Unset):
        q (None | str | Unset): Any part of the VIN or the name, case-insensitive.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOutAssetOut | Problem
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        vin=vin,
        paired=paired,
        q=q,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    org_id: str,
    *,
    client: AuthenticatedClient,
    vin: None | str | Unset = UNSET,
    paired: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[PageOutAssetOut | Problem]:
    """List assets

     Assets, filtered by VIN, pairing state or a search fragment.

    Args:
        org_id (str):
        vin (None | str | Unset):
        paired (bool | None | Unset):
        q (None | str | Unset): Any part of the VIN or the name, case-insensitive.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOutAssetOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        vin=vin,
        paired=paired,
        q=q,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: str,
    *,
    client: AuthenticatedClient,
    vin: None | str | Unset = UNSET,
    paired: bool | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> PageOutAssetOut | Problem | None:
    """List assets

     Assets, filtered by VIN, pairing state or a search fragment.

    Args:
        org_id (str):
        vin (None | str | Unset):
        paired (bool | None | Unset):
        q (None | str | Unset): Any part of the VIN or the name, case-insensitive.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOutAssetOut | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            vin=vin,
            paired=paired,
            q=q,
            after=after,
            limit=limit,
        )
    ).parsed
