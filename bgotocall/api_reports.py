"""Download of a campaign data export (UC-CP-06), streamed from the file the worker wrote.

The request carries the browser's session cookie; the route resolves it as a page does,
checks the role (area "campaigns") and looks the link up in the caller's own tenant only:
another tenant's link gets the same 404 as a link that never existed.
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from services.identity.access import can_access
from services.identity.audit import record_refusal
from services.identity.sessions import resolve_session
from services.reporting.exports import export_file

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _context(request: Request):
    ip = request.client.host if request.client else ""
    ctx = resolve_session(request.cookies.get("bgc_session", ""), ip)
    if ctx is None or not can_access(ctx, "campaigns"):
        record_refusal(ctx, "campaigns", "download export", ip)
        return None
    return ctx


async def export_download(request: Request) -> Response:
    ctx = await run_in_threadpool(_context, request)
    if ctx is None:
        return PlainTextResponse("Accès refusé.", status_code=403)
    found = await run_in_threadpool(export_file, ctx, request.path_params["token"])
    if found is None:
        return PlainTextResponse("Export introuvable.", status_code=404)
    path, name = found
    # FileResponse sends the file in chunks: a large export never sits in memory.
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix.lstrip(".")], filename=name)


REPORT_ROUTES = [Route("/api/rapports/exports/{token}", export_download)]
