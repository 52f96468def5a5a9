"""Webhook subscriptions (the Datahub portal): settings, pause/resume, secrets, tests, delivery log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse

from pairhub.domain.delivery import SignatureAlgorithm, is_success
from pairhub.entrypoints.api import subscription_schemas as shapes
from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, NO_STORE, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.problems import BEYOND_RETENTION_RESPONSES, ApiError
from pairhub.entrypoints.api.schemas import PageOut

router = APIRouter(prefix="/v1/organizations/{org_id}/subscriptions", tags=["subscriptions"])


class JwkSetResponse(JSONResponse):
    """JSON served as `application/jwk-set+json`."""

    media_type = "application/jwk-set+json"


SubId = Annotated[str, Path(max_length=64)]
BatchId = Annotated[str, Path(max_length=64)]


@router.post(
    "",
    status_code=201,
    response_model=shapes.SubscriptionSecretOut,
    response_model_exclude_unset=True,
    dependencies=NO_STORE,
)
def create_subscription(body: shapes.SubscriptionIn, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Create a subscription; its HMAC signing `secret` is in this response only."""
    view, secret = c.subscriptions.create(
        org_id,
        url=body.url,
        event_version=body.eventVersion,
        names=body.eventNames,
        max_batch_size=body.maxBatchSize,
        max_wait_ms=body.maxWaitMs,
        headers=body.customHeaders,
        description=body.description,
        signature_header=body.signatureHeader,
        signature_algorithm=SignatureAlgorithm(body.signatureAlgorithm),
        auth=body.auth.credentials() if body.auth is not None else None,
        secret=body.secret,
    )
    return shapes.subscription(view, secret, c.settings.public_url)


@router.get("", response_model=PageOut[shapes.SubscriptionOut])
def list_subscriptions(
    org_id: OrgIdDep, c: ContainerDep, after: AfterDep = None, limit: LimitDep = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The organization's subscriptions."""
    page = c.subscriptions.list(org_id, after, limit)
    return {
        "data": [shapes.subscription(v, None, c.settings.public_url) for v in page.items],
        "nextCursor": page.next_cursor,
    }


@router.get("/{sub_id}", response_model=shapes.SubscriptionOut)
def get_subscription(sub_id: SubId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """One subscription with its state, backlog and delivery counters."""
    return shapes.subscription(c.subscriptions.get(org_id, sub_id), None, c.settings.public_url)


@router.patch("/{sub_id}", response_model=shapes.SubscriptionOut)
def update_subscription(
    sub_id: SubId, body: shapes.SubscriptionPatch, org_id: OrgIdDep, c: ContainerDep
) -> dict[str, Any]:
    """Change settings; `state: paused` pauses delivery (events keep buffering), `active` resumes it."""
    given = body.model_dump(exclude_unset=True)
    if any(value is None for key, value in given.items() if key not in ("description", "auth")):
        raise ApiError(422, "validation_error", "Only `description` and `auth` may be set to null.")
    view = c.subscriptions.update(org_id, sub_id, shapes.patch_changes(given))
    return shapes.subscription(view, None, c.settings.public_url)


@router.delete("/{sub_id}", status_code=204)
def delete_subscription(sub_id: SubId, org_id: OrgIdDep, c: ContainerDep) -> Response:
    """Delete a subscription and its delivery log."""
    c.subscriptions.delete(org_id, sub_id)
    return Response(status_code=204)


@router.post(
    "/{sub_id}/rotate-secret",
    response_model=shapes.SubscriptionSecretOut,
    response_model_exclude_unset=True,
    dependencies=NO_STORE,
)
def rotate_secret(
    sub_id: SubId, org_id: OrgIdDep, c: ContainerDep, body: shapes.SecretIn | None = None
) -> dict[str, Any]:
    """A new secret (shown once; yours when the body gives one) or key pair; the previous one keeps
    signing beside it for 24 hours."""
    view, secret = c.subscriptions.rotate_secret(org_id, sub_id, body.secret if body else None)
    return shapes.subscription(view, secret, c.settings.public_url)


@router.post("/{sub_id}/resume", response_model=shapes.SubscriptionOut)
def resume(sub_id: SubId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Resume a paused, on-hold or disabled subscription at once."""
    return shapes.subscription(c.subscriptions.resume(org_id, sub_id), None, c.settings.public_url)


@router.post("/{sub_id}/test", response_model=shapes.TestDeliveryOut)
async def send_test(sub_id: SubId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Send one signed sample batch now and report the receiver's status and latency."""
    sent = await c.delivery.send_test(org_id, sub_id)
    result = sent.result
    return {
        "eventBatchId": sent.batch_id,
        "delivered": is_success(result.status),
        "statusCode": result.status,
        "latencyMs": result.duration_ms,
        "responseExcerpt": result.excerpt,
        "error": result.error,
    }


@router.get(
    "/{sub_id}/batches", response_model=PageOut[shapes.BatchOut], responses=BEYOND_RETENTION_RESPONSES
)
def list_batches(
    sub_id: SubId,
    org_id: OrgIdDep,
    c: ContainerDep,
    status: Annotated[shapes.BatchStatusName | None, Query(description="Only batches in this state.")] = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The delivery log, newest batch first, with each batch's latest attempts."""
    page = c.delivery_log.batches(org_id, sub_id, status, after, limit)
    return {"data": [shapes.batch(v) for v in page.items], "nextCursor": page.next_cursor}


@router.get("/{sub_id}/batches/{batch_id}", response_model=shapes.BatchDetailOut)
def get_batch(sub_id: SubId, batch_id: BatchId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """One batch with the exact body it is sent with."""
    return shapes.batch(c.delivery_log.batch(org_id, sub_id, batch_id), with_body=True)


@router.post("/{sub_id}/batches/{batch_id}/redeliver", status_code=202, response_model=shapes.BatchOut)
def redeliver(sub_id: SubId, batch_id: BatchId, org_id: OrgIdDep, c: ContainerDep) -> dict[str, Any]:
    """Send a batch again, same `eventBatchId` and bytes, as soon as the subscription's turn comes."""
    return shapes.batch(c.delivery_log.redeliver(org_id, sub_id, batch_id))


keys_router = APIRouter(tags=["subscriptions"])


JWK_SET_MEDIA_TYPE = "application/jwk-set+json"
"""RFC 7517's media type of a JWK Set."""


@keys_router.get(
    "/v1/subscriptions/{sub_id}/jwks.json",
    response_model=shapes.JwkSetOut,
    response_class=JwkSetResponse,
    responses={
        200: {"content": {JWK_SET_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/JwkSetOut"}}}}
    },
)
def subscription_jwks(sub_id: SubId, c: ContainerDep, response: Response) -> dict[str, Any]:
    """The public keys of an ed25519 subscription as a JWK Set; no token needed, receivers fetch it."""
    # Short enough to see a rotation soon; the previous key keeps signing for 24 h meanwhile.
    response.headers["Cache-Control"] = "public, max-age=300"
    return {"keys": c.subscriptions.jwks(sub_id)}
