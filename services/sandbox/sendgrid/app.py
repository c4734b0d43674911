"""The SendGrid v3 Mail Send endpoint, and the inbox where sandbox emails can be read."""
from __future__ import annotations

import html
import json
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


def _validate(body: dict) -> tuple[str, str] | None:
    """(message, field) of the first problem SendGrid would report, or None."""
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        return "The personalizations field is required and must have at least one personalization.", "personalizations"
    for p in personalizations:
        if not p.get("to") or not all(isinstance(t, dict) and "@" in t.get("email", "") for t in p["to"]):
            return "The to array is required for all personalization objects, and must have at least one email object with a valid email address.", "personalizations.0.to"
    if "@" not in (body.get("from") or {}).get("email", ""):
        return "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.", "from.email"
    if not body.get("subject") and not all(p.get("subject") for p in personalizations) and not body.get("template_id"):
        return "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.", "subject"
    content = body.get("content") or []
    if not body.get("template_id") and not any(c.get("value") for c in content):
        return "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.", "content"
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
        for p in body["personalizations"]:
            mailbox.add({
                "id": message_id, "received_at": datetime.now(timezone.utc).isoformat(),
                "from": body["from"]["email"], "to": [t["email"] for t in p["to"]],
                "subject": p.get("subject") or body.get("subject", ""),
                "text": contents.get("text/plain", ""), "html": contents.get("text/html", ""),
                "custom_args": {**body.get("custom_args", {}), **p.get("custom_args", {})},
            })
        return Response(status_code=202, headers={"X-Message-Id": message_id})

    return Starlette(routes=[Route("/v3/mail/send", mail_send, methods=["POST"])])


def inbox_app(mailbox: Mailbox) -> Starlette:
    async def api_messages(request: Request) -> JSONResponse:
        return JSONResponse(mailbox.messages(request.query_params.get("to", "")))

    async def page(request: Request) -> HTMLResponse:
        rows = "".join(
            f"<article><h3>{html.escape(m['subject'])}</h3><p><b>À :</b> "
            f"{html.escape(', '.join(m['to']))} — {html.escape(m['received_at'])}</p>"
            f"<pre>{html.escape(m['text'])}</pre></article>"
            for m in mailbox.messages(request.query_params.get("to", ""))
        ) or "<p>Aucun email reçu pour l'instant.</p>"
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>Boîte de réception (sandbox)</title>"
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
            "article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}"
            "pre{white-space:pre-wrap}</style><h1>Boîte de réception du bac à sable</h1>" + rows)

    return Starlette(routes=[Route("/", page), Route("/api/messages", api_messages)])
