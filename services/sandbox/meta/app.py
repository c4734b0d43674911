"""The Meta twin: the WhatsApp Cloud API (Graph API v23.0) as our adapter uses it, and the
customer's phone on the other side.

- POST /{version}/{phone-number-id}/messages (Bearer access token) checks the message
  against the `Message` schema of Meta's description (wire.py) and answers as Meta does:
  200 with `contacts` and `messages[0].id` (a wamid), or a Graph API error
  (`{"error": {"message", "type": "OAuthException", "code", "error_data", "fbtrace_id"}}`).
  Then it POSTs the message's status webhooks to the product's callback URL, signed with
  `X-Hub-Signature-256` (HMAC-SHA256 of the raw body keyed by the app secret, as Meta signs),
  each echoing the message's `biz_opaque_callback_data`.
- The outcome is chosen by the last two digits of the recipient's number:
    00 → refused at sending: 400, error 131009 (parameter value is not valid) — permanent;
    01 → the first message answers 400, error 130429 (rate limit hit); the next ones pass;
    02 → accepted, then `failed` with error 131026 (message undeliverable);
    03 → accepted, `sent`, then `delivered` (never read);
    anything else → accepted, `sent`, `delivered`, then `read`.
  And, as Meta does whatever the number: a message that is not a template, to a customer
  who has not written to this business number in the last 24 hours, is accepted and then
  `failed` with error 131047 (re-engagement message); a template that does not exist or is
  not approved is refused with 132001, one with the wrong number of values with 132000.
- POST /{version}/{phone-number-id}/media (multipart: file, messaging_product, type) keeps
  the file; GET /{version}/{media-id} gives its URL (GET /_media/{id}, Bearer token again).
- POST /{version}/{waba-id}/message_templates submits a template (PENDING); a moment later
  Meta's decision arrives as a signed `message_template_status_update` webhook: REJECTED
  (INVALID_FORMAT) when the name contains "refus", else APPROVED. GET /{version}/{template-id}
  and GET /{version}/{waba-id}/message_templates?name= read them back.
- /_sandbox/: the customers' phones (HTML: each conversation, `?wa_id=` one phone's, a form
  to answer as the customer). `POST /_sandbox/inbound` (from, body; or type=image|document
  with caption, filename) makes that phone write to our business number: the twin POSTs
  Meta's signed `messages` webhook to the product. `GET /_sandbox/conversations?wa_id=` shows both sides
  of a conversation, `GET /_sandbox/attempts` counts the messages accepted per attempt key
  (biz_opaque_callback_data), `GET /_sandbox/requests` the raw API requests and
  `GET /_sandbox/webhooks` the webhooks sent (contract tests check both against Meta's
  description); `POST /_sandbox/callbacks/{on|off}` holds the status webhooks back.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from collections import Counter, deque

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from services.providers.whatsapp import signature, wa_id
from services.sandbox.callbacks import Callbacks
from services.sandbox.meta.wire import message_problem

VERSION = r"v\d+\.\d+"
TEMPLATE_DELAY_SECONDS = 0.2  # Meta's review, instant in the sandbox
WINDOW_SECONDS = 24 * 3600
_PLACEHOLDER = re.compile(r"\{\{\s*(\d+)\s*\}\}")
# a 1x1 PNG: the photo a sandbox customer sends when the test gives none
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
TITLES = {131026: "Message undeliverable", 131047: "Re-engagement message",
          131009: "Parameter value is not valid", 130429: "Rate limit hit",
          132000: "Number of parameters does not match the expected number of params",
          132001: "Template name does not exist in the translation", 100: "Invalid parameter",
          190: "Invalid OAuth access token - Cannot parse access token"}
DETAILS = {131026: "Message failed to send because the recipient's phone number cannot "
                   "receive WhatsApp messages.",
           131047: "Message failed to send because more than 24 hours have passed since the "
                   "customer last replied to this number.",
           130429: "Cloud API message throughput has been reached."}


def graph_error(status: int, code: int, details: str = "", message: str = "") -> JSONResponse:
    error = {"message": f"(#{code}) {message or TITLES.get(code, 'Error')}",
             "type": "OAuthException", "code": code,
             "fbtrace_id": "A" + secrets.token_urlsafe(16)}
    if details or code in DETAILS:
        error["error_data"] = {"messaging_product": "whatsapp",
                               "details": details or DETAILS[code]}
    return JSONResponse({"error": error}, status_code=status)


def _now() -> str:
    return str(int(time.time()))


def _new_id() -> str:
    return str(secrets.randbelow(9 * 10**15) + 10**15)


class MetaStore:
    def __init__(self, access_token: str, app_secret: str, webhook_url: str, public_base: str,
                 phone_number_id: str, waba_id: str, display_number: str = "237650000000"):
        self.access_token, self.app_secret, self.webhook_url = access_token, app_secret, webhook_url
        self.public_base, self.phone_number_id, self.waba_id = public_base, phone_number_id, waba_id
        self.display_number = display_number
        self.messages: dict[str, dict] = {}
        self.per_attempt: Counter[str] = Counter()
        self.throttled: set[str] = set()
        self.last_inbound: dict[tuple[str, str], float] = {}  # (number id, wa_id) -> time
        self.templates: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.conversations: deque[dict] = deque(maxlen=20_000)  # both sides, for the inbox
        self.requests: deque[dict] = deque(maxlen=10_000)
        self.webhooks: deque[dict] = deque(maxlen=10_000)
        self.deliver_callbacks = True
        self.callbacks = Callbacks()
        self._lock = threading.Lock()

    # -- rules ---------------------------------------------------------------------------
    @staticmethod
    def outcome(recipient: str) -> str:
        return {"00": "invalid", "01": "throttle", "02": "undeliverable",
                "03": "unread"}.get(recipient[-2:], "read")

    def in_window(self, number_id: str, recipient: str) -> bool:
        last = self.last_inbound.get((number_id, recipient))
        return last is not None and time.time() - last < WINDOW_SECONDS

    def template(self, name: str, language: str) -> dict | None:
        return next((t for t in self.templates.values()
                     if t["name"] == name and t["language"] == language), None)

    def render(self, body: dict) -> str:
        """What the customer reads."""
        kind = body["type"]
        if kind == "text":
            return body["text"].get("body", "")
        if kind == "template":
            t = self.template(body["template"]["name"], body["template"]["language"]["code"])
            values = [p.get("text", "") for c in body["template"].get("components", [])
                      if c.get("type") == "body" for p in c.get("parameters", [])]
            return _PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1], t["body"]) if t else ""
        return body[kind].get("caption", "") or body[kind].get("filename", "")

    def accept(self, number_id: str, body: dict) -> tuple[dict | None, JSONResponse | None]:
        problem = message_problem(body)
        if problem:
            return None, graph_error(400, 100, problem)
        if body.get("messaging_product") != "whatsapp":
            return None, graph_error(400, 100, "messaging_product must be 'whatsapp'.")
        recipient = wa_id(body["to"])
        if len(recipient) < 8 or self.outcome(recipient) == "invalid":
            return None, graph_error(400, 131009, f"Invalid WhatsApp ID: {body['to']}")
        if body["type"] == "template":
            call = body["template"]
            t = self.template(call["name"], call["language"]["code"])
            if t is None or t["status"] != "APPROVED":
                return None, graph_error(404, 132001, f"template name ({call['name']}) does not "
                                         f"exist in {call['language']['code']}")
            given = sum(len(c.get("parameters", [])) for c in call.get("components", [])
                        if c.get("type") == "body")
            expected = len(set(_PLACEHOLDER.findall(t["body"])))
            if given != expected:
                return None, graph_error(400, 132000, f"body: number of localizable_params "
                                         f"({given}) does not match the expected number of "
                                         f"params ({expected})")
        with self._lock:
            if self.outcome(recipient) == "throttle" and recipient not in self.throttled:
                self.throttled.add(recipient)
                return None, graph_error(400, 130429)
            wamid = "wamid." + base64.b64encode(secrets.token_bytes(24)).decode()
            record = {"id": wamid, "number_id": number_id, "to": body["to"],
                      "wa_id": recipient, "type": body["type"], "body": body,
                      "text": self.render(body), "status": "accepted",
                      "key": body.get("biz_opaque_callback_data", ""), "at": time.time(),
                      "window": self.in_window(number_id, recipient)}
            self.messages[wamid] = record
            if record["key"]:
                self.per_attempt[record["key"]] += 1
            self.conversations.append({"wa_id": recipient, "number_id": number_id,
                                       "direction": "out", "id": wamid, "type": body["type"],
                                       "text": record["text"], "at": record["at"]})
        return record, None

    def steps(self, record: dict) -> list[tuple[str, int | None]]:
        if record["type"] != "template" and not record["window"]:
            return [("failed", 131047)]
        final = self.outcome(record["wa_id"])
        if final == "undeliverable":
            return [("failed", 131026)]
        if final == "unread":
            return [("sent", None), ("delivered", None)]
        return [("sent", None), ("delivered", None), ("read", None)]

    # -- webhooks ------------------------------------------------------------------------
    def envelope(self, field: str, value: dict, account: str = "") -> dict:
        return {"object": "whatsapp_business_account",
                "entry": [{"id": account or self.waba_id, "time": int(time.time()),
                           "changes": [{"value": value, "field": field}]}]}

    def metadata(self, number_id: str) -> dict:
        return {"display_phone_number": self.display_number, "phone_number_id": number_id}

    def status_payload(self, record: dict, status: str, code: int | None) -> dict:
        item = {"id": record["id"], "status": status, "timestamp": _now(),
                "recipient_id": record["wa_id"]}
        if record["key"]:
            item["biz_opaque_callback_data"] = record["key"]
        if status in ("sent", "delivered", "read"):
            category = "marketing" if record["type"] == "template" else "service"
            item["conversation"] = {"id": hashlib.sha1(record["wa_id"].encode()).hexdigest(),
                                    "origin": {"type": category}}
            item["pricing"] = {"billable": True, "pricing_model": "PMP", "category": category}
        if code:
            item["errors"] = [{"code": code, "title": TITLES[code], "message": TITLES[code],
                               "error_data": {"details": DETAILS[code]},
                               "href": "https://developers.facebook.com/docs/whatsapp/"
                                       "cloud-api/support/error-codes/"}]
        record["status"] = status
        return self.envelope("messages", {"messaging_product": "whatsapp",
                                          "metadata": self.metadata(record["number_id"]),
                                          "statuses": [item]})

    def signed(self, payload: dict) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return raw, {"Content-Type": "application/json",
                     "X-Hub-Signature-256": signature(self.app_secret, raw),
                     "User-Agent": "facebookexternalua"}


async def post_webhook(store: MetaStore, payload: dict) -> int:
    raw, headers = store.signed(payload)
    store.webhooks.append(payload)
    return await store.callbacks.post(store.webhook_url, content=raw, headers=headers)


async def _run_statuses(store: MetaStore, record: dict) -> None:
    for status, code in store.steps(record):
        payload = store.status_payload(record, status, code)
        if store.deliver_callbacks:
            await post_webhook(store, payload)


async def _decide_template(store: MetaStore, template: dict) -> None:
    await asyncio.sleep(TEMPLATE_DELAY_SECONDS)
    rejected = "refus" in template["name"]
    template["status"] = "REJECTED" if rejected else "APPROVED"
    template["rejected_reason"] = "INVALID_FORMAT" if rejected else "NONE"
    await post_webhook(store, store.envelope("message_template_status_update", {
        "event": template["status"], "message_template_id": int(template["id"]),
        "message_template_name": template["name"],
        "message_template_language": template["language"],
        "reason": template["rejected_reason"]}, template["waba_id"]))


def public_template(t: dict) -> dict:
    return {"id": t["id"], "name": t["name"], "language": t["language"], "status": t["status"],
            "category": t["category"], "components": t["components"],
            **({"rejected_reason": t["rejected_reason"]} if t["status"] == "REJECTED" else {})}


def meta_app(store: MetaStore) -> Starlette:
    def authorized(request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme == "Bearer" and secrets.compare_digest(token, store.access_token)

    async def keep(request: Request) -> bytes:
        body = await request.body()
        store.requests.append({
            "method": request.method,
            "path": request.url.path.removeprefix(request.scope.get("root_path", "")),
            "query": request.url.query, "content_type": request.headers.get("content-type", ""),
            "user_agent": request.headers.get("user-agent", ""),
            # the scheme only: the token is not kept
            "authorization": request.headers.get("authorization", "").partition(" ")[0],
            "body": body.decode("utf-8", "replace")})
        return body

    def versioned(request: Request) -> bool:
        return re.fullmatch(VERSION, request.path_params["version"]) is not None

    async def guarded(request: Request):
        body = await keep(request)
        if not versioned(request):
            return None, graph_error(400, 2500, message="Unknown path components")
        if not authorized(request):
            return None, graph_error(401, 190)
        return body, None

    async def messages(request: Request) -> Response:
        raw, refused = await guarded(request)
        if refused:
            return refused
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return graph_error(400, 100, "The request body is not valid JSON.")
        record, problem = store.accept(request.path_params["node"], body)
        if problem:
            return problem
        asyncio.get_running_loop().create_task(_run_statuses(store, record))
        answer = {"messaging_product": "whatsapp",
                  "contacts": [{"input": body["to"], "wa_id": record["wa_id"]}],
                  "messages": [{"id": record["id"]}]}
        if body["type"] == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return JSONResponse(answer)

    async def media_upload(request: Request) -> Response:
        _, refused = await guarded(request)
        if refused:
            return refused
        form = await request.form()
        upload = form.get("file")
        if form.get("messaging_product") != "whatsapp":
            return graph_error(400, 100, "messaging_product is required and must be 'whatsapp'.")
        if upload is None or isinstance(upload, str):
            return graph_error(400, 100, "file is required.")
        content = await upload.read()
        media_id = _new_id()
        store.media[media_id] = {"content": content, "filename": upload.filename or "",
                                 "mime_type": form.get("type") or upload.content_type
                                 or "application/octet-stream",
                                 "number_id": request.path_params["node"]}
        return JSONResponse({"id": media_id})

    async def node(request: Request) -> Response:
        """GET /{version}/{id}: a media object or a template (Graph ids share one space)."""
        _, refused = await guarded(request)
        if refused:
            return refused
        node_id = request.path_params["node"]
        if node_id in store.media:
            m = store.media[node_id]
            return JSONResponse({"messaging_product": "whatsapp",
                                 "url": f"{store.public_base}/_media/{node_id}",
                                 "mime_type": m["mime_type"],
                                 "sha256": hashlib.sha256(m["content"]).hexdigest(),
                                 "file_size": str(len(m["content"])), "id": node_id})
        if node_id in store.templates:
            return JSONResponse(public_template(store.templates[node_id]))
        return graph_error(400, 100, message=f"Unsupported get request. Object with ID "
                           f"'{node_id}' does not exist")

    async def media_bytes(request: Request) -> Response:
        if not authorized(request):
            return graph_error(401, 190)
        m = store.media.get(request.path_params["media_id"])
        if m is None:
            return Response(status_code=404)
        return Response(m["content"], media_type=m["mime_type"])

    async def templates(request: Request) -> Response:
        raw, refused = await guarded(request)
        if refused:
            return refused
        waba = request.path_params["node"]
        if request.method == "GET":
            name = request.query_params.get("name", "")
            rows = [public_template(t) for t in store.templates.values()
                    if t["waba_id"] == waba and (not name or t["name"] == name)]
            return JSONResponse({"data": rows, "paging": {"cursors": {"before": "", "after": ""}}})
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return graph_error(400, 100, "The request body is not valid JSON.")
        name, language = body.get("name", ""), body.get("language", "")
        if not re.fullmatch(r"[a-z0-9_]{1,512}", name or ""):
            return graph_error(400, 100, "name: lowercase letters, digits and underscores.")
        if body.get("category") not in ("MARKETING", "UTILITY", "AUTHENTICATION"):
            return graph_error(400, 100, "category must be MARKETING, UTILITY or AUTHENTICATION.")
        components = body.get("components") or []
        text = next((c.get("text", "") for c in components
                     if str(c.get("type", "")).upper() == "BODY"), "")
        if not text:
            return graph_error(400, 100, "components: a BODY component with text is required.")
        if _PLACEHOLDER.search(text) and not next(
                (c.get("example") for c in components if str(c.get("type")).upper() == "BODY"),
                None):
            return graph_error(400, 100, "components: a body with variables needs examples.")
        if any(t["waba_id"] == waba and t["name"] == name and t["language"] == language
               for t in store.templates.values()):
            return graph_error(400, 100, message="Invalid parameter",
                               details="Content in this language already exists.")
        template = {"id": _new_id(), "waba_id": waba, "name": name, "language": language,
                    "category": body["category"], "components": components, "body": text,
                    "status": "PENDING", "rejected_reason": "NONE"}
        store.templates[template["id"]] = template
        asyncio.get_running_loop().create_task(_decide_template(store, template))
        return JSONResponse({"id": template["id"], "status": "PENDING",
                             "category": template["category"]})

    # -- the other side ------------------------------------------------------------------
    async def inbound(request: Request) -> Response:
        form = dict(await request.form()) if "form" in request.headers.get("content-type", "") \
            else await request.json()
        sender = wa_id(form["from"])
        number_id = form.get("phone_number_id") or store.phone_number_id
        kind = form.get("type") or "text"
        message = {"from": sender, "id": "wamid." + base64.b64encode(
            secrets.token_bytes(24)).decode(), "timestamp": _now(), "type": kind}
        if kind == "text":
            message["text"] = {"body": form.get("body", "")}
        else:
            content = base64.b64decode(form["content_base64"]) if form.get("content_base64") \
                else PIXEL
            mime = form.get("mime_type") or ("image/png" if kind == "image" else "application/pdf")
            media_id = _new_id()
            store.media[media_id] = {"content": content, "mime_type": mime,
                                     "filename": form.get("filename", ""), "number_id": number_id}
            message[kind] = {"mime_type": mime, "id": media_id,
                             "sha256": base64.b64encode(hashlib.sha256(content).digest()).decode()}
            if form.get("caption") or form.get("body"):
                message[kind]["caption"] = form.get("caption") or form.get("body")
            if kind == "document":
                message[kind]["filename"] = form.get("filename") or "document.pdf"
        store.last_inbound[(number_id, sender)] = time.time()
        store.conversations.append({"wa_id": sender, "number_id": number_id, "direction": "in",
                                    "id": message["id"], "type": kind,
                                    "text": form.get("body") or form.get("caption", ""),
                                    "at": time.time()})
        payload = store.envelope("messages", {
            "messaging_product": "whatsapp", "metadata": store.metadata(number_id),
            "contacts": [{"profile": {"name": form.get("name") or "Client"}, "wa_id": sender}],
            "messages": [message]})
        status = await post_webhook(store, payload)
        if form.get("redirect"):  # the phone page's form: back to that phone
            return RedirectResponse(f"{request.url_for('phone')}?wa_id={sender}", status_code=303)
        return JSONResponse({"id": message["id"], "webhook_status": status})

    async def conversations(request: Request) -> Response:
        wanted = wa_id(request.query_params.get("wa_id", ""))
        rows = [c for c in store.conversations if not wanted or c["wa_id"] == wanted]
        for row in rows:
            if row["direction"] == "out":
                row["status"] = store.messages[row["id"]]["status"]
        return JSONResponse(rows)

    async def phone(request: Request) -> HTMLResponse:
        return HTMLResponse(phone_page(store, str(request.url_for("inbound")),
                                       wa_id(request.query_params.get("wa_id", ""))))

    async def attempts(request: Request) -> Response:
        return JSONResponse(dict(store.per_attempt))

    async def requests_received(request: Request) -> Response:
        return JSONResponse(list(store.requests)[-int(request.query_params.get("last", 100)):])

    async def webhooks_sent(request: Request) -> Response:
        return JSONResponse(list(store.webhooks)[-int(request.query_params.get("last", 100)):])

    async def callbacks_switch(request: Request) -> Response:
        store.deliver_callbacks = request.path_params["state"] == "on"
        return JSONResponse({"deliver_callbacks": store.deliver_callbacks})

    return Starlette(routes=[
        Route("/_sandbox/", phone, name="phone"),
        Route("/_sandbox/inbound", inbound, methods=["POST"], name="inbound"),
        Route("/_sandbox/conversations", conversations),
        Route("/_sandbox/attempts", attempts),
        Route("/_sandbox/requests", requests_received),
        Route("/_sandbox/webhooks", webhooks_sent),
        Route("/_sandbox/callbacks/{state}", callbacks_switch, methods=["POST"]),
        Route("/_media/{media_id}", media_bytes),
        Route("/{version}/{node}/messages", messages, methods=["POST"]),
        Route("/{version}/{node}/media", media_upload, methods=["POST"]),
        Route("/{version}/{node}/message_templates", templates, methods=["GET", "POST"]),
        Route("/{version}/{node}", node),
    ])


def _bubble(m: dict) -> str:
    mine = m["direction"] == "in"  # the page is the customer's phone
    status = "" if mine else f" <small>({html.escape(m.get('status', ''))})</small>"
    label = m["text"] or f"[{m['type']}]"
    return (f"<p class={'in' if mine else 'out'}>{html.escape(label)}{status}</p>")


def phone_page(store: MetaStore, inbound_url: str, only: str = "") -> str:
    """The customers' side: each conversation with the business number (`only`: that phone's),
    and a form to answer (text, or a photo or a PDF) as the customer would."""
    threads: dict[str, list[dict]] = {}
    for m in store.conversations:
        if only and m["wa_id"] != only:
            continue
        if m["direction"] == "out":
            m["status"] = store.messages[m["id"]]["status"]
        threads.setdefault(m["wa_id"], []).append(m)
    kinds = "".join(f"<option value={k}>{label}</option>" for k, label in (
        ("text", "Texte"), ("image", "Photo"), ("document", "PDF")))

    def form(number: str = "") -> str:
        who = (f"<input type=hidden name=from value='{html.escape(number)}'>" if number else
               "<input name=from required placeholder='+2376…' pattern='\\+?[0-9]{8,15}'>")
        return (f"<form method=post action='{html.escape(inbound_url)}'>{who}"
                "<input type=hidden name=redirect value=1>"
                "<input name=body placeholder='Message (ou légende)' size=40>"
                f"<select name=type>{kinds}</select> <button>Envoyer</button></form>")

    sections = "".join(
        f"<article><h3>+{html.escape(number)}</h3>{''.join(_bubble(m) for m in rows)}"
        f"{form(number)}</article>"
        for number, rows in sorted(threads.items(), key=lambda kv: -kv[1][-1]["at"])
    ) or "<p>Aucune conversation WhatsApp pour l'instant.</p>"
    return ("<!doctype html><meta charset=utf-8><title>WhatsApp (sandbox)</title>"
            "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}"
            "article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}"
            "p{padding:.4rem .7rem;border-radius:8px;max-width:80%}"
            ".out{background:#eee}.in{background:#dcf8c6;margin-left:auto}</style>"
            "<h1>Téléphones WhatsApp du bac à sable</h1>"
            f"<h2>Écrire depuis un nouveau numéro</h2>{form()}{sections}")
