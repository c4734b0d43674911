"""Checking a request's parameters against Stripe's own API description, as Stripe does.

Stripe refuses any parameter its spec does not define for the operation (`parameter_unknown`),
a missing required one (`parameter_missing`) and a value of the wrong kind; the twin reads the
same spec (../shared/specs) so a misspelt or misplaced parameter fails here as it would there.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from services.sandbox.specs import STRIPE_SPEC, load_spec


@dataclass(frozen=True)
class ParamProblem:
    code: str | None
    param: str
    message: str


def operation_schema(method: str, path: str) -> dict:
    """The parameters of one operation as a single object schema: query ones for a GET,
    the form body for a POST (`path` as written in the spec, e.g. /v1/events/{id})."""
    operation = load_spec(STRIPE_SPEC)["paths"][path][method.lower()]
    if method.upper() == "GET":
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        return {"type": "object", "properties": {p["name"]: p.get("schema", {}) for p in query},
                "required": [p["name"] for p in query if p.get("required")],
                "additionalProperties": False}
    body = operation.get("requestBody", {}).get("content", {})
    return body.get("application/x-www-form-urlencoded", {}).get("schema", {})


def check_params(schema: dict, params: dict) -> ParamProblem | None:
    """The first problem Stripe would report with these (decoded) parameters, or None."""
    return _check(schema, params, "")


def _name(parent: str, key: str | int) -> str:
    return f"{parent}[{key}]" if parent else str(key)


def _kind(schema: dict) -> str:
    if "properties" in schema or schema.get("type") == "object":
        return "object"
    return schema.get("type", "string")


def _check(schema: dict, value, name: str) -> ParamProblem | None:
    if "$ref" in schema:
        schema = _resolve(schema["$ref"])
    if "anyOf" in schema:
        return _check_any_of(schema["anyOf"], value, name)
    kind = _kind(schema)
    if kind == "object":
        return _check_object(schema, value, name)
    if kind == "array":
        if isinstance(value, dict) and not value:
            value = []
        if not isinstance(value, list):
            return ParamProblem(None, name, f"Invalid array: {name}")
        for i, item in enumerate(value):
            if problem := _check(schema.get("items", {}), item, _name(name, i)):
                return problem
        return None
    if not isinstance(value, str):
        return ParamProblem("parameter_invalid_string" if kind == "string" else None, name,
                            f"Invalid {kind}: {name} must be a {kind}, not a hash or an array")
    if "enum" in schema and value not in schema["enum"]:
        return ParamProblem(None, name, f"Invalid {name}: must be one of "
                                        + ", ".join(map(str, schema["enum"])))
    if kind == "integer" and not value.lstrip("-").isdigit():
        return ParamProblem("parameter_invalid_integer", name, f"Invalid integer: {value}")
    if kind == "boolean" and value not in ("true", "false"):
        return ParamProblem(None, name, f"Invalid boolean: {value}")
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return ParamProblem(None, name, f"Invalid decimal: {value}")
    return None


def _check_object(schema: dict, value, name: str) -> ParamProblem | None:
    if not isinstance(value, dict):
        return ParamProblem(None, name, f"Invalid hash: {name}")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", not properties)
    for key, item in value.items():
        if key in properties:
            problem = _check(properties[key], item, _name(name, key))
        elif isinstance(extra, dict):
            problem = _check(extra, item, _name(name, key))
        elif extra is True:
            problem = None
        else:
            problem = _unknown(_name(name, key), key, properties)
        if problem:
            return problem
    for key in schema.get("required", []):
        if key not in value:
            missing = _name(name, key)
            return ParamProblem("parameter_missing", missing, f"Missing required param: {missing}.")
    return None


def _check_any_of(branches: list[dict], value, name: str) -> ParamProblem | None:
    problems = []
    for branch in branches:
        problem = _check(branch, value, name)
        if problem is None:
            return None
        problems.append((branch, problem))
    # Report what the branch of the value's own shape says (an object's unknown key, ...).
    shape = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else ""
    return next((p for b, p in problems if _kind(_resolved(b)) == shape), problems[0][1])


def _unknown(param: str, key: str, known: dict) -> ParamProblem:
    message = f"Received unknown parameter: {param}"
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
    if close:
        message += f". Did you mean {close[0]}?"
    return ParamProblem("parameter_unknown", param, message)


def _resolved(schema: dict) -> dict:
    return _resolve(schema["$ref"]) if "$ref" in schema else schema


def _resolve(ref: str) -> dict:
    node = load_spec(STRIPE_SPEC)
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node
