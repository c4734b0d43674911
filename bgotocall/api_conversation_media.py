"""A conversation's image or PDF, opened from the console: /api/conversations/media/{message}/{n}.

The request carries the browser's session cookie, resolved as a page does; tenant, role and
the conversation's visibility are checked on every request by services/conversations/media.py:
anyone else — another tenant, an agent the conversation is not routed to, no session — gets
the same 404 as a file that does not exist. The type served is the one the bytes prove (images
inline, PDFs as an attachment, never HTML), with `nosniff` and a sandboxing CSP.
"""
from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bgotocall.owned_files import owned_file
from services.conversations.media import media_file

AREA = "conversations"


def media_url(message_id: int, index: int = 0) -> str:
    return f"/api/conversations/media/{message_id}/{index}"


def _file(request: Request):
    message_id, index = int(request.path_params["message_id"]), int(request.path_params["index"])
    return owned_file(request, lambda ctx: media_file(ctx, message_id, index), AREA,
                      "open a conversation's media")


async def media_download(request: Request) -> Response:
    found = await run_in_threadpool(_file, request)
    if found is None:
        return PlainTextResponse("Fichier introuvable.", status_code=404)
    disposition = "inline" if found.inline else "attachment"
    return Response(found.content, media_type=found.mime_type, headers={
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store"})


MEDIA_ROUTES = [Route("/api/conversations/media/{message_id:int}/{index:int}", media_download)]
