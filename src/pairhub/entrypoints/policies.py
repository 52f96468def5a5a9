"""The action every API operation and every UI form takes, by method and route: the policy table decides it.

A route missing here is refused for everyone (and fails the policy test, which names it).
"""

from __future__ import annotations

from collections.abc import Mapping

from pairhub.domain.access import Action

A = Action
_ORG = "/v1/organizations/{org_id}"

API_ACTIONS: Mapping[tuple[str, str], Action] = {
    ("GET", "/healthz"): A.PUBLIC,
    ("GET", "/readyz"): A.PUBLIC,
    ("GET", "/metrics"): A.PUBLIC,
    ("GET", "/docs"): A.PUBLIC,
    ("GET", "/favicon.ico"): A.PUBLIC,
    ("GET", "/v1/event-types"): A.PUBLIC,
    # Receivers fetch the public keys that verify signatures without credentials.
    ("GET", "/v1/subscriptions/{sub_id}/jwks.json"): A.PUBLIC,
    ("POST", "/v1/invitations/{token}/accept"): A.PUBLIC,
    # The demo's built-in receiver (`serve --demo` only): it verifies signatures itself.
    ("POST", "/demo/receiver"): A.PUBLIC,
    ("GET", "/demo/receiver"): A.PUBLIC,
    ("GET", "/demo/batches"): A.PUBLIC,
    ("POST", "/v1/unit-messages"): A.UNIT_MESSAGES_POST,
    ("GET", "/v1/unknown-units"): A.PLATFORM_MANAGE,
    ("POST", "/v1/organizations"): A.PLATFORM_MANAGE,
    ("GET", "/v1/organizations"): A.SIGNED_IN,
    ("GET", _ORG): A.ORGANIZATION_READ,
    # Changing anything but the auto pairing switch also needs platform.manage (checked by the handler).
    ("PATCH", _ORG): A.AUTO_PAIRING_SWITCH,
    ("DELETE", _ORG): A.PLATFORM_MANAGE,
    ("GET", _ORG + "/export"): A.KEYS_MANAGE,
    ("GET", _ORG + "/api-keys"): A.KEYS_MANAGE,
    ("POST", _ORG + "/api-keys"): A.KEYS_MANAGE,
    ("DELETE", _ORG + "/api-keys/{key_id}"): A.KEYS_MANAGE,
    ("GET", _ORG + "/members"): A.MEMBERS_MANAGE,
    ("GET", _ORG + "/members/{user_id}"): A.MEMBERS_MANAGE,
    ("PATCH", _ORG + "/members/{user_id}"): A.MEMBERS_MANAGE,
    ("DELETE", _ORG + "/members/{user_id}"): A.MEMBERS_MANAGE,
    ("POST", _ORG + "/members/{user_id}/password-reset"): A.MEMBERS_MANAGE,
    ("GET", _ORG + "/invitations"): A.MEMBERS_MANAGE,
    ("POST", _ORG + "/invitations"): A.MEMBERS_MANAGE,
    ("DELETE", _ORG + "/invitations/{invitation_id}"): A.MEMBERS_MANAGE,
    ("GET", _ORG + "/audit-log"): A.AUDIT_READ,
    ("POST", _ORG + "/assets"): A.INVENTORY_WRITE,
    ("POST", _ORG + "/assets/bulk"): A.INVENTORY_WRITE,
    ("GET", _ORG + "/assets"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/assets/{asset_id}"): A.ORGANIZATION_READ,
    ("PATCH", _ORG + "/assets/{asset_id}"): A.INVENTORY_WRITE,
    ("DELETE", _ORG + "/assets/{asset_id}"): A.INVENTORY_WRITE,
    ("POST", _ORG + "/units"): A.INVENTORY_WRITE,
    ("GET", _ORG + "/units"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/units/{unit_id}"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/units/{unit_id}/attempts"): A.ORGANIZATION_READ,
    ("DELETE", _ORG + "/units/{unit_id}"): A.INVENTORY_WRITE,
    ("POST", _ORG + "/pairings"): A.PAIRING_WRITE,
    ("GET", _ORG + "/pairings"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/pairings/history"): A.ORGANIZATION_READ,
    ("DELETE", _ORG + "/pairings/{unit_id}"): A.PAIRING_WRITE,
    ("GET", _ORG + "/events"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/overview"): A.ORGANIZATION_READ,
    ("POST", _ORG + "/subscriptions"): A.SUBSCRIPTIONS_WRITE,
    ("GET", _ORG + "/subscriptions"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/subscriptions/{sub_id}"): A.ORGANIZATION_READ,
    ("PATCH", _ORG + "/subscriptions/{sub_id}"): A.SUBSCRIPTIONS_WRITE,
    ("DELETE", _ORG + "/subscriptions/{sub_id}"): A.SUBSCRIPTIONS_WRITE,
    ("POST", _ORG + "/subscriptions/{sub_id}/rotate-secret"): A.SUBSCRIPTIONS_WRITE,
    ("POST", _ORG + "/subscriptions/{sub_id}/resume"): A.SUBSCRIPTIONS_WRITE,
    ("POST", _ORG + "/subscriptions/{sub_id}/test"): A.SUBSCRIPTIONS_WRITE,
    ("POST", _ORG + "/subscriptions/{sub_id}/recover"): A.SUBSCRIPTIONS_WRITE,
    ("GET", _ORG + "/subscriptions/{sub_id}/batches"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/subscriptions/{sub_id}/batches/{batch_id}"): A.ORGANIZATION_READ,
    ("POST", _ORG + "/subscriptions/{sub_id}/batches/{batch_id}/redeliver"): A.SUBSCRIPTIONS_WRITE,
    ("POST", _ORG + "/feeds"): A.SUBSCRIPTIONS_WRITE,
    ("GET", _ORG + "/feeds"): A.ORGANIZATION_READ,
    ("GET", _ORG + "/feeds/{feed_id}"): A.ORGANIZATION_READ,
    ("POST", _ORG + "/feeds/{feed_id}/pause"): A.SUBSCRIPTIONS_WRITE,
    ("POST", _ORG + "/feeds/{feed_id}/resume"): A.SUBSCRIPTIONS_WRITE,
    ("DELETE", _ORG + "/feeds/{feed_id}"): A.SUBSCRIPTIONS_WRITE,
    # The feed's organization is known once it is read: the service decides again with it.
    ("GET", "/v1/feed/{feed_id}"): A.FEED_POLL,
}
"""Every API operation's action."""

UI_ACTIONS: Mapping[tuple[str, str], Action] = {
    ("GET", "/ui"): A.PUBLIC,
    ("GET", "/ui/"): A.PUBLIC,
    ("GET", "/ui/sign-in"): A.PUBLIC,
    ("POST", "/ui/sign-in"): A.PUBLIC,
    # Single sign-on: leaving for the identity provider and coming back from it.
    ("GET", "/ui/sign-in/oidc"): A.PUBLIC,
    ("GET", "/ui/sign-in/oidc/callback"): A.PUBLIC,
    ("GET", "/ui/invitations/{token}"): A.PUBLIC,
    ("POST", "/ui/invitations/{token}"): A.PUBLIC,
    ("GET", "/ui/password-reset/{token}"): A.PUBLIC,
    ("POST", "/ui/password-reset/{token}"): A.PUBLIC,
    ("POST", "/ui/sign-out"): A.PUBLIC,
    ("POST", "/ui/sign-out-everywhere"): A.SIGNED_IN,
    ("GET", "/ui/account"): A.SIGNED_IN,
    ("POST", "/ui/account/password"): A.SIGNED_IN,
    ("GET", "/ui/organizations"): A.SIGNED_IN,
    ("POST", "/ui/organizations"): A.PLATFORM_MANAGE,
    ("POST", "/ui/organizations/select"): A.SIGNED_IN,
    ("GET", "/ui/organizations/{organization_id}/erase"): A.PLATFORM_MANAGE,
    ("POST", "/ui/organizations/{organization_id}/erase"): A.PLATFORM_MANAGE,
    ("GET", "/ui/unknown-units"): A.PLATFORM_MANAGE,
    ("POST", "/ui/unknown-units/add"): A.PLATFORM_MANAGE,
    ("GET", "/ui/settings"): A.ORGANIZATION_READ,
    ("POST", "/ui/settings/auto-pairing"): A.AUTO_PAIRING_SWITCH,
    ("POST", "/ui/settings/datahub"): A.PLATFORM_MANAGE,
    ("GET", "/ui/api-keys"): A.KEYS_MANAGE,
    ("POST", "/ui/api-keys"): A.KEYS_MANAGE,
    ("POST", "/ui/api-keys/{key_id}/revoke"): A.KEYS_MANAGE,
    ("GET", "/ui/members"): A.MEMBERS_MANAGE,
    ("POST", "/ui/members/invite"): A.MEMBERS_MANAGE,
    ("POST", "/ui/members/{person_id}/role"): A.MEMBERS_MANAGE,
    ("POST", "/ui/members/{person_id}/remove"): A.MEMBERS_MANAGE,
    ("POST", "/ui/members/{person_id}/password-reset"): A.MEMBERS_MANAGE,
    ("POST", "/ui/invitations/{invitation_id}/withdraw"): A.MEMBERS_MANAGE,
    ("GET", "/ui/audit-log"): A.AUDIT_READ,
    ("GET", "/ui/events"): A.ORGANIZATION_READ,
    ("GET", "/ui/overview"): A.ORGANIZATION_READ,
    ("GET", "/ui/assets"): A.ORGANIZATION_READ,
    ("POST", "/ui/assets"): A.INVENTORY_WRITE,
    ("GET", "/ui/assets/{asset_id}"): A.ORGANIZATION_READ,
    ("POST", "/ui/assets/{asset_id}"): A.INVENTORY_WRITE,
    ("POST", "/ui/assets/{asset_id}/delete"): A.INVENTORY_WRITE,
    ("GET", "/ui/units"): A.ORGANIZATION_READ,
    ("POST", "/ui/units"): A.INVENTORY_WRITE,
    ("GET", "/ui/units/{unit_id}"): A.ORGANIZATION_READ,
    ("POST", "/ui/units/{unit_id}/delete"): A.INVENTORY_WRITE,
    ("POST", "/ui/pairings"): A.PAIRING_WRITE,
    ("POST", "/ui/pairings/unpair"): A.PAIRING_WRITE,
    ("GET", "/ui/subscriptions"): A.ORGANIZATION_READ,
    ("POST", "/ui/subscriptions"): A.SUBSCRIPTIONS_WRITE,
    ("GET", "/ui/subscriptions/{subscription_id}"): A.ORGANIZATION_READ,
    ("POST", "/ui/subscriptions/{subscription_id}"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/subscriptions/{subscription_id}/pause"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/subscriptions/{subscription_id}/resume"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/subscriptions/{subscription_id}/rotate"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/subscriptions/{subscription_id}/test"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/subscriptions/{subscription_id}/delete"): A.SUBSCRIPTIONS_WRITE,
    ("GET", "/ui/subscriptions/{subscription_id}/batches/{batch_id}"): A.ORGANIZATION_READ,
    ("POST", "/ui/subscriptions/{subscription_id}/batches/{batch_id}/redeliver"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/subscriptions/{subscription_id}/recover"): A.SUBSCRIPTIONS_WRITE,
    ("GET", "/ui/feeds"): A.ORGANIZATION_READ,
    ("POST", "/ui/feeds"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/feeds/{feed_id}/pause"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/feeds/{feed_id}/resume"): A.SUBSCRIPTIONS_WRITE,
    ("POST", "/ui/feeds/{feed_id}/delete"): A.SUBSCRIPTIONS_WRITE,
}
"""Every UI page's and form's action; pages under an organization use the organization the viewer acts on."""


def action_of(method: str, path: str) -> Action | None:
    """The action of a route (its path template as registered), or None when none is declared."""
    table = UI_ACTIONS if path.startswith("/ui") else API_ACTIONS
    # HEAD is answered by the GET route.
    return table.get(("GET" if method == "HEAD" else method, path))
