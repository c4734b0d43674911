"""Downloads of the Audience pages: rejected-rows reports and the blacklist export.

Each request carries the browser's session cookie; the route resolves it like a page does,
checks the role (area "audience") and only serves files of the caller's own tenant.
"""
from __future__ import annotations

import io

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.concurrency import run_in_threadpool

from services.audience.blacklist import export_opt_outs
from services.audience.imports import report_path
from services.identity.access import can_access
from services.identity.audit import record_refusal
from services.identity.sessions import SESSION_COOKIE, resolve_session

CSV = "text/csv; charset=utf-8"


def _context(request: Request, action: str):
    ip = request.client.host if request.client else ""
    ctx = resolve_session(request.cookies.get(SESSION_COOKIE, ""), ip)
    if ctx is None or not can_access(ctx, "audience"):
        record_refusal(ctx, "audience", action, ip)
        return None
    return ctx


async def rejected_rows(request: Request) -> Response:
    ctx = await run_in_threadpool(_context, request, "download rejected rows")
    if ctx is None:
        return PlainTextResponse("Accès refusé.", status_code=403)
    path = report_path(ctx, request.path_params["report_id"])
    if path is None:
        return PlainTextResponse("Rapport introuvable.", status_code=404)
    return FileResponse(path, media_type=CSV, filename="lignes-rejetees.csv")


async def blacklist_export(request: Request) -> Response:
    ctx = await run_in_threadpool(_context, request, "export blacklist")
    if ctx is None:
        return PlainTextResponse("Accès refusé.", status_code=403)
    # Built in memory: a temporary file unlinked after the response would race the
    # server, which sends files by path after the handler has returned.
    buffer = io.StringIO()
    await run_in_threadpool(export_opt_outs, ctx, buffer)
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), media_type=CSV,
                    headers={"Content-Disposition": 'attachment; filename="liste-noire.csv"'})


AUDIENCE_ROUTES = [
    Route("/api/audience/rejets/{report_id}", rejected_rows),
    Route("/api/audience/liste-noire/export", blacklist_export),
]
