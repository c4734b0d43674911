"""The routes that set and clear the HttpOnly session cookie, called as a browser calls them."""
import warnings

import pytest
from starlette.applications import Starlette

from bgotocall.session_cookie import SESSION_ROUTES, session_token
from services.identity.handoff import issue_handoff_code
from services.identity.login import log_in
from services.identity.sessions import resolve_session
from services.models.platform import Role
from tests.support.accounts import PASSWORD, new_tenant, new_user

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def _browser(base_url: str) -> TestClient:
    return TestClient(Starlette(routes=SESSION_ROUTES), base_url=base_url, follow_redirects=False)


@pytest.fixture
def token():
    return log_in(new_user(new_tenant(), Role.ADMIN), PASSWORD, "10.41.0.1").token


@pytest.mark.parametrize("base_url, secure", [("https://app.example.cm", True),
                                              ("http://localhost", False)])
def test_a_code_sets_an_httponly_cookie_once(token, base_url, secure):
    code = issue_handoff_code(token)
    browser = _browser(base_url)
    answer = browser.get("/api/session/ouvrir", params={"code": code, "suite": "/tableau-de-bord"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/?suite=%2Ftableau-de-bord")
    attributes = [part.strip().lower() for part in answer.headers["set-cookie"].split(";")]
    assert attributes[0] == f"bgc_session={token}".lower()
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    assert ("secure" in attributes) is secure

    again = _browser(base_url).get("/api/session/ouvrir", params={"code": code})
    assert (again.status_code, again.headers["location"]) == (303, "/")
    assert "set-cookie" not in again.headers


def test_the_next_page_is_always_on_this_site(token):
    for elsewhere in ("//evil.example/x", "/\\evil.example", "https://evil.example"):
        answer = _browser("http://localhost").get(
            "/api/session/ouvrir", params={"code": issue_handoff_code(token), "suite": elsewhere})
        assert answer.headers["location"] == "/?suite=%2F"


def test_leaving_clears_the_cookie_and_ends_the_session(token):
    browser = _browser("http://localhost")
    browser.cookies.set("bgc_session", token)
    answer = browser.get("/api/session/sortie")
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert 'bgc_session=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert resolve_session(token) is None


def test_the_token_is_read_from_the_websockets_cookie_header():
    assert session_token("bgc_lang=fr; bgc_session=abc-DEF_1") == "abc-DEF_1"
    assert session_token("") == session_token("other=1") == session_token('bad="') == ""
