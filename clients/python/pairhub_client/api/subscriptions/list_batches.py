from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.beyond_retention_problem import BeyondRetentionProblem
from ...models.list_batches_status_type_0 import ListBatchesStatusType0
from ...models.page_out_batch_out import PageOutBatchOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    sub_id: str,
    *,
    status: ListBatchesStatusType0 | None | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListBatchesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

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
        "url": "/v1/organizations/{org_id}/subscriptions/{sub_id}/batches".format(
            org_id=quote(str(org_id), safe=""),
            sub_id=quote(str(sub_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BeyondRetentionProblem | PageOutBatchOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageOutBatchOut.from_dict(response.json())

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
) -> Response[BeyondRetentionProblem | PageOutBatchOut | Problem]:
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
    status: ListBatchesStatusType0 | None | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | PageOutBatchOut | Problem]:
    """Read the delivery log

     The delivery log, newest batch first, with each batch's latest attempts.

    Args:
        org_id (str):
        sub_id (str):
        status (ListBatchesStatusType0 | None | Unset): Only batches in this state.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutBatchOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        sub_id=sub_id,
        status=status,
        after=after,
        limit=limit,
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
    status: ListBatchesStatusType0 | None | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | PageOutBatchOut | Problem | None:
    """Read the delivery log

     The delivery log, newest batch first, with each batch's latest attempts.

    Args:
        org_id (str):
        sub_id (str):
        status (ListBatchesStatusType0 | None | Unset): Only batches in this state.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutBatchOut | Problem
    """

    return sync_detailed(
        org_id=org_id,
        sub_id=sub_id,
        client=client,
        status=status,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    org_id: str,
    sub_id: str,
    *,
    client: AuthenticatedClient,
    status: ListBatchesStatusType0 | None | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[BeyondRetentionProblem | PageOutBatchOut | Problem]:
    """Read the delivery log

     The delivery log, newest batch first, with each batch's latest attempts.

    Args:
        org_id (str):
        sub_id (str):
        status (ListBatchesStatusType0 | None | Unset): Only batches in this state.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BeyondRetentionProblem | PageOutBatchOut | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        sub_id=sub_id,
        status=status,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: str,
    sub_id: str,
    *,
    client: AuthenticatedClient,
    status: ListBatchesStatusType0 | None | Unset = UNSET,
    after: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> BeyondRetentionProblem | PageOutBatchOut | Problem | None:
    """Read the delivery log

     The delivery log, newest batch first, with each batch's latest attempts.

    Args:
        org_id (str):
        sub_id (str):
        status (ListBatchesStatusType0 | None | Unset): Only batches in this state.
        after (None | str | Unset): Cursor from `nextCursor`.
        limit (int | Unset): Page size. Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BeyondRetentionProblem | PageOutBatchOut | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            sub_id=sub_id,
            client=client,
            status=status,
            after=after,
            limit=limit,
        )
    ).parsed
