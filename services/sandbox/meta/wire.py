"""What the Meta twin accepts: the `Message` schema of Meta's published OpenAPI description
(business-messaging-api v23.0) with the two mistakes of that description set right as the
real Cloud API behaves — the same corrections the contract tests apply:

1. each message type (TextMessage, ImageMessage...) puts `additionalProperties: false` on
   one branch of an `allOf`, which read literally refuses the base properties
   (`messaging_product`, `to`...) of every message; what is meant is no property beyond the
   base ones and the type's own: `unevaluatedProperties: false` on the whole;
2. `biz_opaque_callback_data` (a string of at most 512 characters that Meta echoes in the
   status webhooks, documented for every message) is missing from BaseMessageProperties;
3. the description was bundled from files that each had a `TextMessage`, an `ImageMessage`,
   a `BaseMessageProperties`...: the webhook's were renamed `TextMessage_2`,
   `ImageMessage_1`, `BaseMessageProperties_1`... but the references to them were not, so
   the inbound messages of the webhook point at the outgoing messages' schemas and none of
   Meta's own webhook examples validates; they are pointed back at the inbound ones.

The twin must run from the repository alone, so the schemas it needs are shipped, gzipped,
in ../provider_specs (extracted by `extract_message_schemas` from the full description).
"""
from __future__ import annotations

import copy
import gzip
import json
from functools import lru_cache

from jsonschema import Draft202012Validator

from services.sandbox.specs import SHIPPED, specs_dir

META_SPEC = "meta_business-messaging-api_v23.0.yaml"
SHIPPED_SCHEMAS = SHIPPED / "meta_message_schemas_v23.0.json.gz"
OPAQUE = {"type": "string", "maxLength": 512,
          "description": "Echoed in the status webhooks of this message."}


# mistake 3: the inbound schemas the webhook's references should name
INBOUND = {"TextMessage": "TextMessage_2", "ReactionMessage": "ReactionMessage_1",
           "AudioMessage": "AudioMessage_1", "DocumentMessage": "DocumentMessage_1",
           "ImageMessage": "ImageMessage_1", "StickerMessage": "StickerMessage_1",
           "VideoMessage": "VideoMessage_1", "LocationMessage": "LocationMessage_1"}
_REF = "#/components/schemas/"


def corrected(spec: dict) -> dict:
    """The description with its known mistakes set right (see the module's docstring)."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    schemas["BaseMessageProperties"]["properties"]["biz_opaque_callback_data"] = OPAQUE
    for target in schemas["Message"]["discriminator"]["mapping"].values():
        schema = schemas[target.rsplit("/", 1)[-1]]
        for branch in schema.get("allOf", []):
            if branch.pop("additionalProperties", True) is False:
                schema["unevaluatedProperties"] = False
    incoming = schemas["IncomingMessage"]
    inbound = lambda ref: _REF + INBOUND.get(ref.removeprefix(_REF), ref.removeprefix(_REF))
    incoming["discriminator"]["mapping"] = {
        k: inbound(v) for k, v in incoming["discriminator"]["mapping"].items()}
    incoming["oneOf"] = [{"$ref": inbound(o["$ref"])} for o in incoming["oneOf"]]
    for option in incoming["oneOf"]:
        for branch in schemas[option["$ref"].removeprefix(_REF)].get("allOf", []):
            if branch.get("$ref") == _REF + "BaseMessageProperties":
                branch["$ref"] = _REF + "BaseMessageProperties_1"
    return spec


def _refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def extract_message_schemas(spec: dict) -> dict:
    """`Message` and every schema it refers to, corrected."""
    schemas = corrected(spec)["components"]["schemas"]
    wanted, seen = {"Message"}, set()
    while wanted - seen:
        name = (wanted - seen).pop()
        seen.add(name)
        _refs(schemas[name], wanted)
    return {"components": {"schemas": {n: schemas[n] for n in sorted(seen)}}}


def load_full_spec() -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((specs_dir() / META_SPEC).read_text("utf-8"), Loader=loader)


@lru_cache(maxsize=1)
def _document() -> dict:
    return json.loads(gzip.decompress(SHIPPED_SCHEMAS.read_bytes()))


@lru_cache(maxsize=None)
def _validator(schema: str) -> Draft202012Validator:
    return Draft202012Validator({**_document(), "$ref": f"#/components/schemas/{schema}"})


def message_problem(body: dict) -> str:
    """'' when Meta would take this message, else what it would say. As the discriminator
    says, a message is checked against the schema of its own `type`."""
    mapping = _document()["components"]["schemas"]["Message"]["discriminator"]["mapping"]
    kind = body.get("type") if isinstance(body, dict) else None
    schema = mapping[kind].rsplit("/", 1)[-1] if kind in mapping else "Message"
    # the most precise complaint: the deepest, and not the "unevaluated" echo of another one
    errors = sorted(_validator(schema).iter_errors(body), key=lambda e: (
        -len(e.absolute_path), e.validator == "unevaluatedProperties"))
    if not errors:
        return ""
    where = ".".join(str(p) for p in errors[0].absolute_path) or "message"
    return f"{where}: {errors[0].message}"[:300]


if __name__ == "__main__":  # regenerate the shipped schemas from ../shared/specs
    SHIPPED_SCHEMAS.write_bytes(gzip.compress(json.dumps(
        extract_message_schemas(load_full_spec()), sort_keys=True).encode(), mtime=0))
    print(SHIPPED_SCHEMAS)
