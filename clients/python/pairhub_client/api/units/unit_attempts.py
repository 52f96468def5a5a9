from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.beyond_retention_problem import BeyondRetentionProblem
from ...models.page_out_diagnosis_out import PageOutDiagnosisOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    unit_id: str,
    *,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
        "url": "/v1/organizations/{org_id}/units/{unit_id}/attempts".format(
            org_id=quote(str(org_id), safe=""),
            unit_id=quote(str(unit_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BeyondRetentionProblem | PageOutDiagnosisOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageOutDiagnosisOut.from_dict(response.json())

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
) -> Response[BeyondRetentionProblem | PageOutDiagnosisOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: str,
    unit_id: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | PageOutDiagnosisOut | Problem]:
    """List a unit's auto-pairing attempts

     Why each of the unit's auto-pairing attempts ended as it did, newest first.

    Args:
        org_id (str):
        unit_id (str):
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutDiagnosisOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        unit_id=unit_id,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: str,
    unit_id: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | PageOutDiagnosisOut | Problem | None:
    """List a unit's auto-pairing attempts

     Why each of the unit's auto-pairing attempts ended as it did, newest first.

    Args:
        org_id (str):
        unit_id (str):
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutDiagnosisOut | Problem
    """

    return sync_detailed(
        org_id=org_id,
        unit_id=unit_id,
        client=client,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    org_id: str,
    unit_id: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | PageOutDiagnosisOut | Problem]:
    """List a unit's auto-pairing attempts

     Why each of the unit's auto-pairing attempts ended as it did, newest first.

    Args:
        org_id (str):
        unit_id (str):
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutDiagnosisOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        unit_id=unit_id,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: str,
    unit_id: str,
    *,
    client: AuthenticatedClient,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | PageOutDiagnosisOut | Problem | None:
    """List a unit's auto-pairing attempts

     Why each of the unit's auto-pairing attempts ended as it did, newest first.

    Args:
        org_id (str):
        unit_id (str):
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutDiagnosisOut | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            unit_id=unit_id,
            client=client,
            after=after,
            limit=limit,
        )
    ).parsed
