"""A crafted websocket event from an agent's browser changes nothing and is logged."""
import json

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from bgotocall.state.teams import TeamsState
from services.db.engine import platform_session
from services.models.platform import Role, SecurityEvent, User
from services.teams import list_teams
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land

ADD_TEAM = f"{TeamsState.get_full_name()}.add_team"


class SocketTap:
    """Sits between the page and the server: records frames, can inject one."""

    def __init__(self, page):
        self.sent: list[str] = []
        self.server = None
        page.route_web_socket("**/_event/**", self._route)

    def _route(self, ws):
        self.server = ws.connect_to_server()
        ws.on_message(lambda m: (self.sent.append(m), self.server.send(m)))
        self.server.on_message(ws.send)

    def forge(self, name: str, payload: dict) -> None:
        """Replay the page's own last event frame with another handler and payload."""
        frame = next(f for f in reversed(self.sent) if f.startswith('42/_event,["event"'))
        prefix, body = frame.split(",", 1)
        kind, event = json.loads(body)
        event.update(name=name, payload=payload)
        self.server.send(f"{prefix},{json.dumps([kind, event])}")


def _forge_add_team(page, email: str, home: str, team: str) -> None:
    tap = SocketTap(page)
    log_in_and_land(page, email, PASSWORD, home)
    page.get_by_test_id("language-switch").get_by_role("radio", name="FR").click()
    tap.forge(ADD_TEAM, {"form": {"name": team, "description": "forgé"}})


@pytest.mark.e2e
def test_forged_supervisor_event_from_an_agent_changes_nothing_and_is_logged(page, new_page):
    tenant = new_tenant()
    agent_email = new_user(tenant, Role.AGENT)
    _forge_add_team(page, agent_email, "/bandeau", "Équipe pirate")
    expect(page.get_by_text("Action non autorisée.")).to_be_visible()

    assert list_teams(context_for(tenant, Role.ADMIN)) == []
    with platform_session() as s:
        agent = s.exec(select(User).where(User.email == agent_email)).one()
        refusals = s.exec(select(SecurityEvent).where(
            SecurityEvent.kind == "access_denied", SecurityEvent.user_id == agent.id)).all()
    assert [r.detail["action"] for r in refusals] == ["create_team"]

    # The same frame from a supervisor does create the team: the forgery was well-formed.
    supervisor = new_page()
    _forge_add_team(supervisor, new_user(tenant, Role.SUPERVISOR), "/supervision",
                    "Équipe légitime")
    expect(supervisor.get_by_text("Équipe créée.")).to_be_visible()
    assert [t.name for t in list_teams(context_for(tenant, Role.ADMIN))] == ["Équipe légitime"]
