"""The SendGrid v3 Mail Send endpoint, and the inbox where sandbox emails can be read.

After accepting a message the twin POSTs its signed Event Webhook to the product
(services/sandbox/sendgrid/events.py): `processed`, then `delivered` — or `bounce` for an
address whose local part starts with "bounce". `POST /_sandbox/events` (message id or our
attempt key, event: open, click, unsubscribe, spamreport...) plays the recipient;
`GET /_sandbox/attempts` counts the messages accepted per attempt key (custom_args
"attempt"); `POST /_sandbox/callbacks/off|on` holds the events back (tests of reconciliation).

`GET /v3/messages?query=...` is the Email Activity API (a paid add-on at SendGrid): the
twin answers the query forms we send — `unique_args['name']="value"`, `to_email="..."`,
`msg_id="..."`, joined by AND — and `POST /_sandbox/activity/off|on` plays an account
without the add-on (403 "access forbidden", as SendGrid answers it).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import html
import json
import re
import secrets
import threading
from datetime import datetime, timezone
from collections import Counter
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from services.sandbox.callbacks import Callbacks
from services.sandbox.mail_parts import readable
from services.sandbox.sendgrid import events as sg_events


def _error(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "field": field, "help": None}]},
                        status_code=status)


class Mailbox:
    """Emails received by the twin, kept in a JSON-lines file so restarts keep them."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._appender = None  # kept open: an open and a close per mail were a tenth of the sink's time

    def store_attachments(self, message_id: str, items: list[dict]) -> list[dict]:
        """Files beside the mailbox; the record keeps their name, type and size."""
        folder = self.path.parent / "attachments" / message_id
        stored = []
        for index, item in enumerate(items):
            data = base64.b64decode(item["content"], validate=True)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / str(index)).write_bytes(data)
            stored.append({"filename": item["filename"], "type": item.get("type", ""),
                           "size": len(data), "url": f"/inbox/attachments/{message_id}/{index}"})
        return stored

    def attachment(self, message_id: str, index: int) -> tuple[dict, bytes] | None:
        for record in self.messages():
            if record["id"] == message_id and 0 <= index < len(record.get("attachments", [])):
                path = self.path.parent / "attachments" / message_id / str(index)
                return record["attachments"][index], path.read_bytes()
        return None

    def add(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            if self._appender is None:
                self._appender = self.path.open("a", encoding="utf-8")
            self._appender.write(line)
            self._appender.flush()

    def messages(self, to: str = "", message_id: str = "") -> list[dict]:
        """Newest first; `message_id` is the RFC 5322 Message-ID header (SMTP) or the id."""
        if not self.path.exists():
            return []
        with self._lock:
            rows = [json.loads(line) for line in self.path.read_text("utf-8").splitlines() if line]
        if to:
            rows = [r for r in rows if to.lower() in (a.lower() for a in r["to"])]
        if message_id:
            rows = [r for r in rows if message_id in (r["id"], r.get("message_id"))]
        return [readable(r) for r in reversed(rows)]


def _is_base64(text: str) -> bool:
    try:
        return bool(text) and bool(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return False


def _custom_args_ok(value) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _validate(body: dict) -> tuple[str, str | None] | None:
    """(message, field) of the first problem SendGrid would report, or None."""
    if not isinstance(body, dict):
        return "Bad Request", None
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        return "The personalizations field is required and must have at least one personalization.", "personalizations"
    for p in personalizations:
        if not isinstance(p, dict) or not p.get("to") or not all(isinstance(t, dict) and "@" in t.get("email", "") for t in p["to"]):
            return "The to array is required for all personalization objects, and must have at least one email object with a valid email address.", "personalizations.0.to"
    if "@" not in (body.get("from") or {}).get("email", ""):
        return "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.", "from.email"
    if not body.get("subject") and not all(p.get("subject") for p in personalizations) and not body.get("template_id"):
        return "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.", "subject"
    content = body.get("content") or []
    if not body.get("template_id") and not any(c.get("value") for c in content):
        return "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.", "content"
    # custom_args must be an object of strings, at the top level and in each personalization;
    # SendGrid answers anything else with a bare "Bad Request" that names no field.
    if not all(_custom_args_ok(holder.get("custom_args", {}))
               for holder in (body, *personalizations)):
        return "Bad Request", None
    for i, item in enumerate(body.get("attachments") or []):
        if not item.get("filename"):
            return "The attachment filename parameter is required.", f"attachments.{i}.filename"
        if not _is_base64(item.get("content") or ""):
            return "The attachment content must be base64 encoded.", f"attachments.{i}.content"
    return None


class EventSender:
    """The twin's Event Webhook: signed POSTs to the product, in order per message."""

    def __init__(self, url: str):
        self.url, self.enabled = url, True
        self.per_attempt: Counter[str] = Counter()
        self.callbacks = Callbacks()

    async def post(self, events: list[dict]) -> int:
        if not self.enabled or not self.url:
            return 0
        body, headers = sg_events.signed_post(events)
        return await self.callbacks.post(self.url, content=body, headers=headers)

    async def after_send(self, records: list[dict]) -> None:
        for record in records:
            final = sg_events.outcome(record["to"][0])
            extra = ({"reason": "550 5.1.1 The email account that you tried to reach does not "
                                "exist.", "status": "5.1.1", "type": "bounce"}
                     if final == "bounce" else {"response": "250 OK"})
            await self.post([sg_events.event("processed", record),
                             sg_events.event(final, record, **extra)])


_CLAUSE = re.compile(r"""\(?\s*(\w+)(?:\['([^']+)'\])?\s*=\s*"([^"]*)"\s*\)?""")


def activity_filter(query: str):
    """The Email Activity query as a test on an inbox record; None for a query the twin
    does not read (SendGrid: 400)."""
    clauses = [_CLAUSE.fullmatch(part.strip()) for part in re.split(r"\s+AND\s+", query)]
    if not query.strip() or not all(clauses):
        return None
    fields = {"to_email": lambda r: r["to"][0], "msg_id": lambda r: activity_row(r)["msg_id"],
              "from_email": lambda r: r["from"], "subject": lambda r: r["subject"]}
    tests = []
    for name, key, value in (c.groups() for c in clauses):
        if name == "unique_args" and key:
            tests.append(lambda r, k=key, v=value: r.get("custom_args", {}).get(k) == v)
        elif name in fields and not key:
            tests.append(lambda r, f=fields[name], v=value: f(r) == v)
        else:
            return None
    return lambda record: all(test(record) for test in tests)


def activity_row(record: dict) -> dict:
    """One message as the Email Activity API lists it."""
    return {"from_email": record["from"], "msg_id": f"{record['id']}.filter0001",
            "subject": record["subject"], "to_email": record["to"][0],
            "status": "not_delivered" if sg_events.outcome(record["to"][0]) == "bounce"
            else "delivered",
            "opens_count": 0, "clicks_count": 0, "last_event_time": record["received_at"]}


def sendgrid_app(mailbox: Mailbox, api_key: str, events: EventSender | None = None) -> Starlette:
    events = events or EventSender("")
    account = {"activity": True}   # the Email Activity add-on

    def refused(request: Request) -> JSONResponse | None:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return _error(401, "authorization required")
        if not secrets.compare_digest(auth[7:], api_key):
            return _error(403, "The provided authorization grant is invalid, expired, or revoked")
        return None

    async def mail_send(request: Request) -> Response:
        if problem := refused(request):
            return problem
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "Bad Request", None)
        problem = _validate(body)
        if problem:
            return _error(400, *problem)
        message_id = secrets.token_urlsafe(16)
        contents = {c.get("type"): c.get("value") for c in body.get("content", [])}
        attachments = mailbox.store_attachments(message_id, body.get("attachments") or [])
        records = []
        for p in body["personalizations"]:
            records.append({
                "id": message_id, "received_at": datetime.now(timezone.utc).isoformat(),
                "from": body["from"]["email"], "to": [t["email"] for t in p["to"]],
                "subject": p.get("subject") or body.get("subject", ""),
                "text": contents.get("text/plain", ""), "html": contents.get("text/html", ""),
                "custom_args": {**body.get("custom_args", {}), **p.get("custom_args", {})},
                "headers": {**(body.get("headers") or {}), **(p.get("headers") or {})},
                "attachments": attachments, "via": "sendgrid",
            })
        for record in records:
            mailbox.add(record)
            if record["custom_args"].get("attempt"):
                events.per_attempt[record["custom_args"]["attempt"]] += 1
        asyncio.get_running_loop().create_task(events.after_send(records))
        return Response(status_code=202, headers={"X-Message-Id": message_id})

    async def play_event(request: Request) -> Response:
        """The recipient's side: {"message_id" or "attempt", "event", ...extra fields}."""
        body = await request.json()
        found = [m for m in mailbox.messages(message_id=body.get("message_id", ""))
                 if not body.get("attempt") or m["custom_args"].get("attempt") == body["attempt"]]
        if not found or not (body.get("message_id") or body.get("attempt")):
            return JSONResponse({"error": "message inconnu"}, status_code=404)
        extra = {k: v for k, v in body.items() if k not in ("message_id", "attempt", "event")}
        status = await events.post([sg_events.event(body.get("event", "open"), found[0], **extra)])
        return JSONResponse({"webhook_status": status})

    async def activity(request: Request) -> Response:
        if problem := refused(request):
            return problem
        if not account["activity"]:
            return _error(403, "access forbidden")
        matches = activity_filter(request.query_params.get("query", ""))
        try:
            limit = int(request.query_params.get("limit", "10"))
        except ValueError:
            limit = 0
        if matches is None or not 1 <= limit <= 1000:
            return _error(400, "invalid query" if matches is None else "limit must be 1 to 1000",
                          "query" if matches is None else "limit")
        rows = [activity_row(m) for m in mailbox.messages() if m.get("via") == "sendgrid" and matches(m)]
        return JSONResponse({"messages": rows[:limit]})

    async def activity_switch(request: Request) -> Response:
        account["activity"] = request.path_params["state"] == "on"
        return JSONResponse({"email_activity": account["activity"]})

    async def attempts(request: Request) -> Response:
        return JSONResponse(dict(events.per_attempt))

    async def callbacks_switch(request: Request) -> Response:
        events.enabled = request.path_params["state"] == "on"
        return JSONResponse({"deliver_callbacks": events.enabled})

    return Starlette(routes=[Route("/v3/mail/send", mail_send, methods=["POST"]),
                             Route("/v3/messages", activity),
                             Route("/_sandbox/activity/{state}", activity_switch, methods=["POST"]),
                             Route("/_sandbox/events", play_event, methods=["POST"]),
                             Route("/_sandbox/attempts", attempts),
                             Route("/_sandbox/callbacks/{state}", callbacks_switch,
                                   methods=["POST"])])


_URL = re.compile(r"https?://[^\s<>\"']+")


def linkified(text: str) -> str:
    """The text of an email as HTML, its web addresses clickable as a mail client shows them."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = html.escape(match.group(0))
        parts += [html.escape(text[last:match.start()]), f'<a href="{url}">{url}</a>']
        last = match.end()
    return "".join(parts) + html.escape(text[last:])


def inbox_app(mailbox: Mailbox) -> Starlette:
    async def api_messages(request: Request) -> JSONResponse:
        q = request.query_params
        return JSONResponse(mailbox.messages(q.get("to", ""), q.get("message_id", "")))

    async def page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        rows = "".join(
            f"<article><h3>{html.escape(m['subject'])}</h3><p><b>À :</b> "
            f"{html.escape(', '.join(m['to']))} — {html.escape(m['received_at'])}</p>"
            f"<pre>{linkified(m['text'])}</pre>"
            + (f"<p><a href='{root}/messages/{html.escape(m['id'])}/html' data-testid='html-version'>"
               f"Voir la version HTML</a> ({'SMTP' if m.get('via') == 'smtp' else 'SendGrid'})</p>"
               if m.get("html") else "")
            + "".join(f"<p>📎 <a href='{html.escape(a['url'])}'>{html.escape(a['filename'])}</a> "
                      f"({a['size']:,} octets)</p>" for a in m.get("attachments", []))
            + "</article>"
            for m in mailbox.messages(request.query_params.get("to", ""))
        ) or "<p>Aucun email reçu pour l'instant.</p>"
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>Boîte de réception (sandbox)</title>"
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
            "article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}"
            "pre{white-space:pre-wrap}</style><h1>Boîte de réception du bac à sable</h1>"
            "<p><a href='/meta/_sandbox/'>Conversations WhatsApp →</a> · "
            "<a href='/twilio/_sandbox/'>SMS →</a></p>" + rows)

    async def download(request: Request) -> Response:
        found = mailbox.attachment(request.path_params["message_id"], request.path_params["index"])
        if found is None:
            return Response(status_code=404)
        meta, data = found
        return Response(data, media_type=meta["type"] or "application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{meta["filename"]}"'})

    async def html_version(request: Request) -> Response:
        """The HTML part as a mail client shows it: no script runs (CSP sandbox), links open."""
        found = mailbox.messages(message_id=request.path_params["message_id"])
        if not found or not found[0].get("html"):
            return Response(status_code=404)
        return HTMLResponse(found[0]["html"], headers={
            "Content-Security-Policy": "sandbox allow-popups allow-top-navigation-by-user-activation"})

    return Starlette(routes=[Route("/", page), Route("/api/messages", api_messages),
                             Route("/messages/{message_id}/html", html_version),
                             Route("/attachments/{message_id}/{index:int}", download)])
