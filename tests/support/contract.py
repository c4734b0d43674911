"""Contract checks: what our adapters send, and what the provider answers, held against the
provider's own OpenAPI description (../shared/specs).

Adapters talk to the provider through a RecordingProxy, so the same checks run whether the
provider is our twin, Stripe's stripe-mock or Prism (see the README, "Contract checks").
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl

import httpx
from jsonschema import validators
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30Validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from werkzeug.datastructures import Headers, ImmutableMultiDict

from services.sandbox.specs import SENDGRID_SPEC, STRIPE_SPEC, load_spec
from services.sandbox.stripe.wire import parse_params

_HOP_BY_HOP = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding",
               "content-encoding", "keep-alive"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes

    def json_body(self):
        return json.loads(self.request_body)


class RecordingProxy:
    """Forwards every request to `upstream` unchanged and keeps each exchange."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.exchanges: list[Exchange] = []

    def app(self, _base: str = "") -> Starlette:
        async def forward(request: Request) -> Response:
            body = await request.body()
            headers = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
            async with httpx.AsyncClient(timeout=30) as client:
                answer = await client.request(
                    request.method, self.upstream + request.url.path,
                    params=request.url.query or None, content=body, headers=headers)
            kept = {k: v for k, v in answer.headers.items() if k not in _HOP_BY_HOP}
            self.exchanges.append(Exchange(request.method, request.url.path, request.url.query,
                                           headers, body, answer.status_code, kept,
                                           answer.content))
            return Response(answer.content, status_code=answer.status_code, headers=kept)

        return Starlette(routes=[Route("/{path:path}", forward,
                                       methods=["GET", "POST", "DELETE", "PATCH", "PUT"])])


# --- openapi-core's view of a recorded exchange -------------------------------------------
class _Request:
    def __init__(self, host_url: str, exchange: Exchange):
        self.host_url = host_url.rstrip("/")
        self.path = exchange.path
        self.method = exchange.method.lower()
        self.body = exchange.request_body or None
        self.content_type = exchange.request_headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(exchange.query)),
            header=Headers(exchange.request_headers))


class _Response:
    def __init__(self, exchange: Exchange):
        self.status_code = exchange.status
        self.headers = Headers(exchange.response_headers)
        self.content_type = exchange.response_headers.get("content-type", "")
        self.data = exchange.response_body


def _server(spec: dict) -> str:
    return spec["servers"][0]["url"]


# --- SendGrid --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _sendgrid() -> tuple[OpenAPI, str]:
    spec = copy.deepcopy(load_spec(SENDGRID_SPEC))
    # Known mistakes of the published spec, set right as the real API behaves:
    # 1. it types the message-level custom_args as a string, while the API wants an object of
    #    strings (as for a personalization);
    body = spec["components"]["requestBodies"]["PostMailSend"]["content"]["application/json"]
    body["schema"]["properties"]["custom_args"] = {"type": "object",
                                                   "additionalProperties": {"type": "string"}}
    # 2. its error items say `help` is an object, while the API answers "help": null.
    error = spec["components"]["schemas"]["ErrorResponse"]["properties"]["errors"]["items"]
    error["properties"]["help"] = {"type": ["object", "null"]}
    return OpenAPI.from_dict(spec), _server(spec)


def check_sendgrid(exchange: Exchange) -> None:
    """Raise (openapi-core's error) unless request and response both fit the spec."""
    spec, server = _sendgrid()
    spec.validate_request(_Request(server, exchange))
    check_sendgrid_response(exchange)


def check_sendgrid_response(exchange: Exchange) -> None:
    spec, server = _sendgrid()
    spec.validate_response(_Request(server, exchange), _Response(exchange))


# --- Stripe ----------------------------------------------------------------------------------
def _form_type(kind: str, parses):
    """Form-encoded values are text: '15500' stands for an integer, 'true' for a boolean."""
    base = OAS30Validator.TYPE_CHECKER

    def check(checker, instance):
        return base.is_type(instance, kind) or (isinstance(instance, str) and parses(instance))
    return check


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_FormValidator = validators.extend(OAS30Validator, type_checker=(
    OAS30Validator.TYPE_CHECKER.redefine_many({
        "integer": _form_type("integer", lambda t: t.lstrip("-").isdigit()),
        "number": _form_type("number", _is_number),
        "boolean": _form_type("boolean", lambda t: t in ("true", "false")),
    })))


def _null_allowed(node):
    """Stripe's spec is OpenAPI 3.0.0, where `nullable: true` lets null through whatever the
    schema's enum or anyOf says (as stripe-mock reads it); spelt so a JSON Schema
    validator reads it the same way."""
    if isinstance(node, list):
        return [_null_allowed(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _null_allowed(v) for k, v in node.items()}
    if node.get("nullable") is True:
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        for combinator in ("anyOf", "oneOf"):
            if combinator in node:
                node[combinator] = [*node[combinator], {"enum": [None]}]
    return node


@lru_cache(maxsize=1)
def _stripe() -> tuple[OpenAPI, str]:
    spec = _null_allowed(load_spec(STRIPE_SPEC))
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None)), _server(spec)


def _stripe_operation(method: str, path: str) -> dict:
    for template, operations in load_spec(STRIPE_SPEC)["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not an operation of the Stripe API")


def _stripe_params_schema(operation: dict, method: str) -> dict:
    if method == "GET":
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        return {"type": "object", "additionalProperties": False,
                "properties": {p["name"]: p.get("schema", {}) for p in query},
                "required": [p["name"] for p in query if p.get("required")]}
    content = operation.get("requestBody", {}).get("content", {})
    return content["application/x-www-form-urlencoded"]["schema"]


def check_stripe(exchange: Exchange) -> None:
    """Raise unless the request's parameters and the response fit the Stripe spec."""
    check_stripe_request(exchange)
    check_stripe_response(exchange)


def check_stripe_request(exchange: Exchange) -> None:
    """openapi-core does not decode Stripe's nested form encoding (line_items[0][quantity]=1),
    so the parameters are decoded first and checked with the spec's own JSON schema."""
    operation = _stripe_operation(exchange.method, exchange.path)
    raw = exchange.query if exchange.method == "GET" else exchange.request_body.decode()
    schema = _stripe_params_schema(operation, exchange.method)
    errors = sorted(_FormValidator(schema).iter_errors(parse_params(raw)), key=str)
    if errors:
        raise AssertionError(f"{exchange.method} {exchange.path}: {errors[0].message} "
                             f"at {list(errors[0].absolute_path)}")
    assert exchange.request_headers.get("authorization", "").startswith(("Bearer ", "Basic "))


def check_stripe_response(exchange: Exchange) -> None:
    spec, server = _stripe()
    spec.validate_response(_Request(server, exchange), _Response(exchange))


# --- Meta (WhatsApp Cloud API) ---------------------------------------------------------------
# The operations our adapter uses, by their path in Meta's description. The description has
# several `/{Version}/{id}` paths (a media, a template, a phone number...): each check is
# made against a description reduced to the one operation meant, so none is mistaken for
# another.
META_SEND = "/{Version}/{Phone-Number-ID}/messages"
META_MEDIA_UPLOAD = "/{Version}/{Phone-Number-ID}/media"
META_MEDIA = "/{Version}/{Media-ID}"
META_TEMPLATES = "/{Version}/{WABA-ID}/message_templates"
META_TEMPLATE = "/{Version}/{TEMPLATE_ID}"
META_WEBHOOK = "/whatsapp/webhooks"
META_SERVER = "https://graph.facebook.com"

# Meta documents its template status webhook (field message_template_status_update) but its
# OpenAPI description has no schema for it: this one is written from the documentation
# (developers.facebook.com/docs/graph-api/webhooks/reference/whatsapp-business-account/
# #message_template_status_update).
TEMPLATE_STATUS_WEBHOOK = {
    "type": "object", "required": ["object", "entry"],
    "properties": {
        "object": {"const": "whatsapp_business_account"},
        "entry": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "time", "changes"],
            "properties": {"id": {"type": "string"}, "time": {"type": "integer"},
                           "changes": {"type": "array", "minItems": 1, "items": {
                               "type": "object", "required": ["field", "value"],
                               "properties": {
                                   "field": {"const": "message_template_status_update"},
                                   "value": {"type": "object", "additionalProperties": False,
                                             "required": ["event", "message_template_id",
                                                          "message_template_name",
                                                          "message_template_language",
                                                          "reason"],
                                             "properties": {
                                                 "event": {"enum": [
                                                     "APPROVED", "REJECTED", "PENDING",
                                                     "DISABLED", "PAUSED", "FLAGGED",
                                                     "REINSTATED", "PENDING_DELETION"]},
                                                 "message_template_id": {"type": "integer"},
                                                 "message_template_name": {"type": "string"},
                                                 "message_template_language": {"type": "string"},
                                                 "reason": {"type": ["string", "null"]},
                                             }}}}}}}}},
}


@lru_cache(maxsize=1)
def _meta_spec(corrected: bool) -> dict:
    from services.sandbox.meta.wire import corrected as set_right, load_full_spec

    spec = load_full_spec()
    return set_right(spec) if corrected else spec


@lru_cache(maxsize=None)
def meta_api(path: str, corrected: bool = True) -> OpenAPI:
    """Meta's description reduced to one path (corrected: see services/sandbox/meta/wire.py;
    uncorrected, it refuses every real text message, which a test shows)."""
    spec = _meta_spec(corrected)
    return OpenAPI.from_dict({**spec, "paths": {path: spec["paths"][path]}},
                             config=Config(spec_validator_cls=None, extra_media_type_deserializers={
                                 "multipart/form-data": _form_parts_as_text}))


def _form_parts_as_text(value: bytes, **parameters: str) -> dict:
    """openapi-core hands a multipart file over as bytes, which its OpenAPI 3.1 validator
    then refuses as "not a string" (3.1 spells a file `type: string`): the parts are read
    as text (latin-1 keeps every byte) before the schema check."""
    from openapi_core.deserializing.media_types.util import data_form_loads

    return {k: v.decode("latin-1") if isinstance(v, bytes) else v
            for k, v in data_form_loads(value, **parameters).items()}


def check_meta_request(exchange: Exchange, path: str, corrected: bool = True) -> None:
    meta_api(path, corrected).validate_request(_Request(META_SERVER, exchange))


def check_meta_response(exchange: Exchange, path: str) -> None:
    meta_api(path).validate_response(_Request(META_SERVER, exchange), _Response(exchange))


def check_meta_error(exchange: Exchange) -> None:
    """Graph API errors are not described per operation: the body is checked against the
    description's ErrorResponse (message, type, code required)."""
    schemas = _meta_spec(True)["components"]["schemas"]
    errors = list(OAS30Validator({**schemas["ErrorResponse"],
                                  "components": {"schemas": schemas}}).iter_errors(
        json.loads(exchange.response_body)))
    assert not errors, errors[0].message
    assert exchange.status >= 400


def check_meta_webhook(raw: bytes) -> None:
    """A webhook Meta (or the twin) POSTs: messages and statuses against the description's
    WebhookPayload; template decisions against TEMPLATE_STATUS_WEBHOOK."""
    payload = json.loads(raw)
    fields = {c["field"] for e in payload["entry"] for c in e["changes"]}
    if fields == {"message_template_status_update"}:
        from jsonschema import Draft202012Validator

        errors = list(Draft202012Validator(TEMPLATE_STATUS_WEBHOOK).iter_errors(payload))
        assert not errors, errors[0].message
        return
    # The body only: the description puts its global bearer security on this path too,
    # while Meta signs its webhooks (X-Hub-Signature-256) and sends no token.
    from jsonschema import Draft202012Validator

    schemas = _meta_spec(True)["components"]["schemas"]
    errors = list(Draft202012Validator({"$ref": "#/components/schemas/WebhookPayload",
                                        "components": {"schemas": schemas}}).iter_errors(payload))
    assert not errors, errors[0].message
