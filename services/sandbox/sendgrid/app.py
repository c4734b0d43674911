"""The SendGrid v3 Mail Send endpoint, and the inbox where sandbox emails can be read."""
from __future__ import annotations

import base64
import binascii
import html
import json
import re
import secrets
import threading
from datetime import datetime, timezone
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route


def _error(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "field": field, "help": None}]},
                        status_code=status)


class Mailbox:
    """Emails received by the twin, kept in a JSON-lines file so restarts keep them."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

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
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")

    def messages(self, to: str = "") -> list[dict]:
        if not self.path.exists():
            return []
        with self._lock:
            rows = [json.loads(line) for line in self.path.read_text("utf-8").splitlines() if line]
        if to:
            rows = [r for r in rows if to.lower() in (a.lower() for a in r["to"])]
        return list(reversed(rows))


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


def sendgrid_app(mailbox: Mailbox, api_key: str) -> Starlette:
    async def mail_send(request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return _error(401, "authorization required")
        if not secrets.compare_digest(auth[7:], api_key):
            return _error(403, "The provided authorization grant is invalid, expired, or revoked")
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
        for p in body["personalizations"]:
            mailbox.add({
                "id": message_id, "received_at": datetime.now(timezone.utc).isoformat(),
                "from": body["from"]["email"], "to": [t["email"] for t in p["to"]],
                "subject": p.get("subject") or body.get("subject", ""),
                "text": contents.get("text/plain", ""), "html": contents.get("text/html", ""),
                "custom_args": {**body.get("custom_args", {}), **p.get("custom_args", {})},
                "attachments": attachments,
            })
        return Response(status_code=202, headers={"X-Message-Id": message_id})

    return Starlette(routes=[Route("/v3/mail/send", mail_send, methods=["POST"])])


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
        return JSONResponse(mailbox.messages(request.query_params.get("to", "")))

    async def page(request: Request) -> HTMLResponse:
        rows = "".join(
            f"<article><h3>{html.escape(m['subject'])}</h3><p><b>À :</b> "
            f"{html.escape(', '.join(m['to']))} — {html.escape(m['received_at'])}</p>"
            f"<pre>{linkified(m['text'])}</pre>"
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
            "<p><a href='/meta/_sandbox/'>Conversations WhatsApp →</a></p>" + rows)

    async def download(request: Request) -> Response:
        found = mailbox.attachment(request.path_params["message_id"], request.path_params["index"])
        if found is None:
            return Response(status_code=404)
        meta, data = found
        return Response(data, media_type=meta["type"] or "application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{meta["filename"]}"'})

    return Starlette(routes=[Route("/", page), Route("/api/messages", api_messages),
                             Route("/attachments/{message_id}/{index:int}", download)])
