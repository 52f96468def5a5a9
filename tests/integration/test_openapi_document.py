"""The OpenAPI document carries what generators and linters read: path parameters in URL order,
servers, public operations marked, described tags, licence and contact, discriminated unions, optional
bodies, the defaults of inputs and outputs, and webhooks that describe every signature option.

The rules are checked over every operation and schema, so a route added later is held to them too."""

from __future__ import annotations

import re
from typing import Any

import jsonschema

from pairhub.contract import schemas as contract
from pairhub.contract.examples import examples_of
from pairhub.contract.render import EVENTS_BY_VERSION
from pairhub.domain.access import Action
from pairhub.entrypoints.policies import action_of
from tests.support import Api

_REF = "#/components/schemas/"


def _document(api: Api) -> dict[str, Any]:
    document: dict[str, Any] = api.client.get("/openapi.json").json()
    return document


def test_path_parameters_follow_the_url_and_public_operations_need_no_token(api: Api) -> None:
    document = _document(api)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert declared == re.findall(r"\{([^}]+)\}", path), (method, path)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            # The policy table decides who may call; the document says the same.
            public = action_of(method.upper(), path) is Action.PUBLIC
            assert operation["security"] == ([] if public else [{"HTTPBearer": []}]), (method, path)
    assert document["paths"]["/v1/invitations/{token}/accept"]["post"]["security"] == []
    assert document["paths"]["/healthz"]["get"]["security"] == []
    assert all(op["security"] == [] for hook in document["webhooks"].values() for op in hook.values())


def test_servers_tags_licence_and_discriminators(api: Api) -> None:
    document = _document(api)
    assert document["servers"] == [{"url": "/", "description": "This pairhub."}]
    assert document["info"]["license"]["identifier"] == "MIT" and document["info"]["contact"]["url"]
    used = {
        tag
        for section in ("paths", "webhooks")
        for ops in document[section].values()
        for op in ops.values()
        for tag in op.get("tags", [])
    }
    assert "webhooks" in used
    assert {tag["name"] for tag in document["tags"]} == used and all(
        tag["description"] for tag in document["tags"]
    )
    schemas = document["components"]["schemas"]
    for version in (1, 2):
        union = schemas[f"V{version}UnitPaired"]
        assert union["discriminator"]["propertyName"] == "reason"
        for reason, target in union["discriminator"]["mapping"].items():
            assert target.endswith(f"V{version}UnitPaired{reason}")
            assert schemas[target.rsplit("/", 1)[1]]["properties"]["reason"] == {
                "type": "string",
                "enum": [reason],
            }
    items = schemas["V1EventBatch"]["properties"]["eventsData"]["items"]
    assert items["discriminator"]["propertyName"] == "eventType"


def test_every_operation_has_a_summary_written_for_people(api: Api) -> None:
    document = _document(api)
    summaries = [op["summary"] for ops in document["paths"].values() for op in ops.values()]
    # FastAPI's defaults are the function's name in title case: "Snapshot", "Create Api Key".
    assert all(" " in summary and not summary.istitle() for summary in summaries), summaries
    assert len(set(summaries)) == len(summaries)


def _walk(node: Any, path: str = "") -> Any:
    """Every object of the document with where it is."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from _walk(value, f"{path}/{position}")


def _tag_of(schemas: dict[str, Any], option: dict[str, Any], name: str) -> str | None:
    """The one string value a union's variant holds in `name`, when it declares exactly one."""
    variant = schemas.get(option.get("$ref", "").removeprefix(_REF), option)
    values = variant.get("properties", {}).get(name, {}).get("enum", [])
    required = name in variant.get("required", [])
    return values[0] if required and len(values) == 1 and isinstance(values[0], str) else None


def test_every_union_that_a_string_field_tells_apart_has_a_discriminator(api: Api) -> None:
    document = _document(api)
    schemas = document["components"]["schemas"]
    assert not [path for path, node in _walk(document) if "const" in node], "generators want enums"
    # A value that is always null is a nullable type for generators (openapi-generator stops on `null`).
    for _, schema in _walk(schemas):
        for name, prop in schema.get("properties", {}).items():
            assert prop.get("type") != "null", name
    checked = []
    for path, node in _walk(document):
        options = node.get("oneOf")
        if not options or len(options) < 1 or not all("$ref" in option for option in options):
            continue
        variant = schemas[options[0]["$ref"].removeprefix(_REF)]
        for name in variant.get("properties", {}):
            tags = [_tag_of(schemas, option, name) for option in options]
            if None in tags or len(set(tags)) != len(tags):
                continue
            discriminator = node.get("discriminator")
            assert discriminator is not None, (path, name)
            assert discriminator["propertyName"] == name, path
            assert discriminator["mapping"] == {
                tag: option["$ref"] for tag, option in zip(tags, options, strict=True)
            }, path
            checked.append(path)
    assert {"/components/schemas/V1UnitPaired", "/components/schemas/V2UnitPaired"} <= set(checked)
    assert "/components/schemas/V1EventBatch/properties/eventsData/items" in checked
    assert "/components/schemas/V2EventBatch/properties/eventsData/items" in checked
    # The feed's items of both versions share their `eventType` values: the integer `eventVersion`
    # tells them apart, and a discriminator must be a string; each variant's enums make one match.
    items = [schemas[o["$ref"].removeprefix(_REF)]["properties"] for o in schemas["FeedItemOut"]["oneOf"]]
    assert len({(p["eventType"]["enum"][0], p["eventVersion"]["enum"][0]) for p in items}) == len(items)


def _reached(schemas: dict[str, Any], roots: list[Any]) -> set[str]:
    found: set[str] = set()
    todo = list(roots)
    while todo:
        for _, node in _walk(todo.pop()):
            name = node.get("$ref", "").removeprefix(_REF)
            if name and name not in found:
                found.add(name)
                todo.append(schemas[name])
    return found


def test_bodies_may_be_left_out_and_defaults_make_outputs_required_and_inputs_optional(api: Api) -> None:
    document = _document(api)
    schemas = document["components"]["schemas"]
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    bodies = [op["requestBody"] for op in operations if "requestBody" in op]
    for body in bodies:
        for media in body["content"].values():
            assert {"type": "null"} not in media["schema"].get("anyOf", []), body
    optional = document["paths"]["/v1/organizations/{org_id}/api-keys"]["post"]["requestBody"]
    assert optional["required"] is False
    assert optional["content"]["application/json"]["schema"] == {"$ref": _REF + "ApiKeyIn"}
    inputs = _reached(schemas, bodies)
    outputs = _reached(schemas, [op["responses"] for op in operations])
    assert {"SubscriptionIn", "OrganizationIn", "ApiKeyIn"} <= inputs and "Health" in outputs
    for name in inputs:
        # openapi-typescript's defaults make a property with `default` required: inputs say it in words.
        for key, prop in schemas[name].get("properties", {}).items():
            assert "default" not in prop, (name, key)
    assert (
        "Default: `true`."
        in schemas["OrganizationIn"]["properties"]["datahubSubscriptionActive"]["description"]
    )
    for name in outputs - inputs:
        schema = schemas[name]
        for key, prop in schema.get("properties", {}).items():
            if "default" in prop:
                assert key in schema["required"], (name, key)
    assert "checks" in schemas["Health"]["required"]


def test_the_webhooks_describe_every_signature_option_and_show_every_event(api: Api) -> None:
    document = _document(api)
    for version in (1, 2):
        operation = document["webhooks"][f"asset-events-v{version}"]["post"]
        # Sent by pairhub, not called by clients: openapi-generator makes no (broken) method of it.
        assert operation["x-internal"] is True
        headers = {p["name"]: p for p in operation["parameters"]}
        assert headers["webhook-signature"]["required"] and headers["webhook-id"]["required"]
        signature = headers["webhook-signature"]["description"]
        assert "`v1,`" in signature and "`v1a,`" in signature and "jwksUrl" in signature
        body = headers["X-Signature-256"]
        assert body["required"] is False and "signatureHeader" in body["description"]
        assert headers["webhook-test"]["required"] is False
        content = operation["requestBody"]["content"]["application/json"]
        assert content["schema"] == {"$ref": f"{_REF}V{version}EventBatch"}
        examples = content["examples"]
        wanted = {
            f"{kind}.{name}" for kind in EVENTS_BY_VERSION[version] for name in examples_of(kind, version)
        }
        assert set(examples) == wanted
        for example in examples.values():
            jsonschema.validate(example["value"], contract.envelope(version))
    assert (
        len(
            document["webhooks"]["asset-events-v1"]["post"]["requestBody"]["content"]["application/json"][
                "examples"
            ]
        )
        == 7
    )


def _idempotency_key(operation: dict[str, Any]) -> dict[str, Any] | None:
    named = [p for p in operation.get("parameters", []) if p["name"].lower() == "idempotency-key"]
    assert len(named) <= 1
    return named[0] if named else None


def test_every_post_the_idempotency_middleware_covers_declares_the_key_and_no_other_operation(
    api: Api,
) -> None:
    document = _document(api)
    declared, expected, answered = set(), set(), set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            header = _idempotency_key(operation)
            if header is not None:
                declared.add(f"{method.upper()} {path}")
                assert header["in"] == "header" and header["required"] is False
                assert "24 hours" in header["description"]
                for status, code in (
                    ("400", "invalid_idempotency_key"),
                    ("409", "idempotency_key_in_use"),
                    ("422", "idempotency_key_reused"),
                ):
                    response = operation["responses"][status]
                    assert code in response["description"], (method, path, status)
                    assert "application/problem+json" in response["content"]
            if method == "post" and path.startswith("/v1/") and operation["security"]:
                expected.add(f"{method.upper()} {path}")
            # The running middleware: a key it would read is checked first (here, one too long).
            url = re.sub(r"\{[^}]+\}", "x", path)
            headers = {"Idempotency-Key": "k" * 256, **(api.admin if operation["security"] else {})}
            answer = api.client.request(method.upper(), url, headers=headers)
            problem = answer.headers.get("content-type") == "application/problem+json"
            if problem and answer.json()["code"] == "invalid_idempotency_key":
                answered.add(f"{method.upper()} {path}")
    assert declared == expected == answered
    assert {"POST /v1/organizations", "POST /v1/unit-messages"} <= declared
    assert "POST /v1/invitations/{token}/accept" not in declared  # public: no caller owns a key


def test_the_declared_key_has_the_bounds_the_middleware_enforces(api: Api) -> None:
    header = _idempotency_key(_document(api)["paths"]["/v1/organizations"]["post"])
    assert header is not None
    for key, valid in [
        ("7f0c1c52-3c4e-4d5e-9a61-1f2b3c4d5e6f", True),
        ("k" * 255, True),
        (" ~", True),
        ("k" * 256, False),
        ("", False),
        ("caf\u00e9", False),
        ("tab\there", False),
    ]:
        assert jsonschema.Draft202012Validator(header["schema"]).is_valid(key) is valid, key
        answer = api.client.post(
            "/v1/organizations",
            json={"name": f"Key {len(key)}"},
            headers={**api.admin, "Idempotency-Key": key.encode("latin-1")},
        )
        refused = answer.status_code == 400 and answer.json()["code"] == "invalid_idempotency_key"
        assert refused is not valid, (key, answer.status_code)
