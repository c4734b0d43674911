"""The browser's session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS.

Page scripts never see it, so the pages cannot set it over their websocket: after a login
the page opens /api/session/ouvrir with a one-time code, which sets the cookie and sends the
browser on to its home page; /api/session/sortie clears it. The pages read the session from
the Cookie header their websocket was opened with.
"""
from __future__ import annotations

import json
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode

import reflex as rx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from services.identity.handoff import issue_handoff_code, redeem_handoff_code
from services.identity.sessions import SESSION_COOKIE, close_session
from services.settings import get_settings

OPEN_ROUTE = "/api/session/ouvrir"
CLOSE_ROUTE = "/api/session/sortie"
# The routes send the browser to the root page, which moves on inside the app: a full load
# of /page would be redirected by the static files to /page/.
ROOT_PAGE = "/"


def session_token(cookie_header: str) -> str:
    """The session token in a Cookie header, or ""."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except CookieError:
        return ""
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel else ""


def hand_over(token: str, next_page: str):
    """The event that takes the browser through the route that sets its cookie."""
    query = urlencode({"code": issue_handoff_code(token), "suite": next_page})
    return rx.call_script(f"window.location.replace({json.dumps(f'{OPEN_ROUTE}?{query}')})")


def leave():
    """The event that takes the browser through the route that clears its cookie."""
    return rx.call_script(f"window.location.replace({json.dumps(CLOSE_ROUTE)})")


def local_page(path: str) -> str:
    """Only a page of this site: never another host (//evil.example, /\\evil.example)."""
    if path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return "/"


def _secure(request: Request) -> bool:
    return (request.url.scheme == "https" or get_settings().public_url.startswith("https:")
            or request.headers.get("x-forwarded-proto", "") == "https")


async def open_session_route(request: Request) -> RedirectResponse:
    token = await run_in_threadpool(redeem_handoff_code, request.query_params.get("code", ""))
    if not token:
        return RedirectResponse(ROOT_PAGE, status_code=303)
    response = RedirectResponse(
        ROOT_PAGE + "?" + urlencode({"suite": local_page(request.query_params.get("suite", "/"))}),
        status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=get_settings().session_max_hours * 3600,
                        path="/", httponly=True, secure=_secure(request), samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


async def close_session_route(request: Request) -> RedirectResponse:
    await run_in_threadpool(close_session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse(ROOT_PAGE, status_code=303)  # which sends on to the login page
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=_secure(request),
                           samesite="lax")
    return response


SESSION_ROUTES = [Route(OPEN_ROUTE, open_session_route),
                  Route(CLOSE_ROUTE, close_session_route)]
