"""The gate of Reflex's upload route: checks made before any byte of the body is read.

Reflex spools a whole multipart body to temporary files before the event handler (and its
role check) runs, so without this gate anyone could fill the disk. Here a request needs a
session allowed to import files, a Content-Length within the limit when it gives one, and a
chunked body is cut off (413) as soon as it goes past the limit; the temporary files of a
body cut off are closed, hence deleted, by the form parser.
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.audience.imports import MAX_UPLOAD_BYTES
from services.conversations.routing import console_actor
from services.identity.access import AccessDenied, can_access
from services.identity.audit import record_refusal
from services.identity.sessions import SESSION_COOKIE, resolve_session

UPLOAD_ROUTE = "/_upload"
# The multipart envelope around the file: boundaries, part headers, the handler's arguments.
ENVELOPE_BYTES = 1024 * 1024
# An upload is a file import of the Audience area (lists, blacklist), or an image or PDF an
# agent attaches in the conversation console (a much smaller body).
UPLOAD_AREA = "audience"
ATTACHMENT_BYTES = 5 * 1024 * 1024 + ENVELOPE_BYTES  # services/conversations/media.MAX_BYTES


class _TooLarge(Exception):
    pass


def _refused(status: int, text: str) -> PlainTextResponse:
    # Closing the connection: the body the client still wants to send is never read.
    return PlainTextResponse(text, status_code=status, headers={"Connection": "close"})


def too_large(limit: int) -> PlainTextResponse:
    """The refusal names the limit of this caller (an import's, or an attachment's)."""
    return _refused(413, f"Le fichier dépasse {(limit - ENVELOPE_BYTES) // 2**20} Mo.")


class UploadGate:
    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_UPLOAD_BYTES + ENVELOPE_BYTES):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(UPLOAD_ROUTE):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal, limit = await run_in_threadpool(self._refusal, request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._capped(scope, receive, send, limit)

    def _limit(self, ctx) -> int:
        """The body this caller may send: an import's, an attachment's, or nothing (0)."""
        if ctx is None:
            return 0
        if can_access(ctx, UPLOAD_AREA):
            return self.max_body_bytes
        try:
            console_actor(ctx)
        except AccessDenied:
            return 0
        return min(self.max_body_bytes, ATTACHMENT_BYTES)

    def _refusal(self, request: Request) -> tuple[PlainTextResponse | None, int]:
        ip = request.client.host if request.client else ""
        ctx = resolve_session(request.cookies.get(SESSION_COOKIE, ""), ip)
        limit = self._limit(ctx)
        if not limit:
            record_refusal(ctx, UPLOAD_AREA, f"{request.method} {request.url.path}", ip)
            return _refused(403, "Accès refusé."), 0
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return too_large(limit), limit
        return None, limit

    async def _capped(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the upload, stopping the body (and whatever the app answers) past the limit."""
        received = 0
        cut_off = False
        answered = False

        async def capped_receive() -> Message:
            nonlocal received, cut_off
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if cut_off:
                return  # the app's answer to a body it did not get in full
            answered = True
            await send(message)

        try:
            await self.app(scope, capped_receive, guarded_send)
        except Exception:
            if not cut_off:
                raise
        if cut_off and not answered:
            await too_large(limit)(scope, receive, send)
