"""Stripe's wire format: form-encoded nested parameters, ids, JSON errors, signatures."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}" if prefix == "cs" else \
        f"{prefix}_{secrets.token_hex(12)}"


def _insert(target: dict, path: list[str], value: str) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    last = path[-1]
    if last == "":  # a[]=x
        last = str(sum(1 for k in target if k.isdigit()))
    target[last] = value


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def parse_params(raw: str) -> dict:
    """`line_items[0][price_data][currency]=eur` -> nested dicts and lists."""
    out: dict = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        head, _, rest = key.partition("[")
        path = [head] + ([p for p in rest.rstrip("]").split("][")] if rest else [])
        _insert(out, path, value)
    return _listify(out)


def error(status: int, message: str, *, type_: str = "invalid_request_error",
          code: str | None = None, param: str | None = None, **extra) -> JSONResponse:
    body = {"message": message, "type": type_}
    if code:
        body["code"] = code
        body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        body["param"] = param
    body.update(extra)
    return JSONResponse({"error": body}, status_code=status,
                        headers={"Request-Id": new_id("req")})


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header: HMAC-SHA256 of f"{t}.{payload}" with the secret."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def dumps(obj: dict) -> str:
    return json.dumps(obj, indent=2)
