"""Downloads of the campaign data page (UC-CP-05/06): an export, streamed from the file the
worker wrote, and the synthesis PDF of a period.

The request carries the browser's session cookie; the route resolves it as a page does,
checks the role (area "campaigns") and looks the link up in the caller's own tenant only:
another tenant's link gets the same 404 as a link that never existed.
"""
from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from services.identity.access import can_access
from services.identity.audit import record_refusal
from services.identity.sessions import resolve_session
from services.reporting.exports import export_file
from services.reporting.periods import PeriodError, period
from services.reporting.scope import ReportNotFound
from services.reporting.synthesis import synthesis_pdf

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


def _period_of(query):
    def day(name):
        return date.fromisoformat(query[name]) if query.get(name) else None
    kind, first, last = query.get("periode", "today"), day("du"), day("au")
    return lambda zone: period(kind, zone, first_day=first, last_day=last)


async def synthesis_download(request: Request) -> Response:
    ctx = await run_in_threadpool(_context, request)
    if ctx is None:
        return PlainTextResponse("Accès refusé.", status_code=403)
    try:
        pdf, name = await run_in_threadpool(
            synthesis_pdf, ctx, int(request.path_params["campaign_id"]),
            _period_of(request.query_params))
    except ReportNotFound:
        return PlainTextResponse("Campagne introuvable.", status_code=404)
    except (PeriodError, ValueError) as exc:
        return PlainTextResponse(f"Période invalide : {exc}", status_code=400)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


REPORT_ROUTES = [Route("/api/rapports/exports/{token}", export_download),
                 Route("/api/rapports/synthese/{campaign_id:int}", synthesis_download)]
