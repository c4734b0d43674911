"""HTTP routes beside the pages (webhooks, downloads), mounted on the backend."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from bgotocall.api_audience import AUDIENCE_ROUTES
from bgotocall.api_conversation_media import MEDIA_ROUTES
from bgotocall.session_cookie import SESSION_ROUTES
from bgotocall.api_reports import REPORT_ROUTES
from bgotocall.api_recordings import RECORDING_ROUTES
from services.billing.webhooks import routes as billing_routes
from services.messaging.webhooks import routes as messaging_routes


async def health(request):
    return JSONResponse({"status": "ok"})


routes = Starlette(routes=[Route("/api/health", health), *billing_routes, *messaging_routes,
                               *AUDIENCE_ROUTES, *SESSION_ROUTES, *REPORT_ROUTES,
                               *RECORDING_ROUTES, *MEDIA_ROUTES])
