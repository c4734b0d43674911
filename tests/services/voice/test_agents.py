"""UC-RH-01/02 and skills against the real PostgreSQL and Redis."""
import json

import pytest

from services.identity.login import log_in
from services.infra.redis import get_redis
from services.models.platform import Role
from services.voice.agents import AgentBusy, EnrolmentError, NoLicenceLeft, enroll_agent, unenroll_agent
from services.voice.commands import stream
from services.voice.directory import list_agents
from services.voice.licences import grant_licences, licence_usage
from services.voice.presence import AgentState, agent_state, set_agent_state
from services.voice.skills import set_agent_skill, set_agent_teams
from services.teams import create_team
from tests.support.accounts import PASSWORD, choose_password, context_for, new_tenant
from services.identity.sessions import resolve_session


@pytest.fixture
def admin():
    tenant = new_tenant()
    grant_licences(tenant.id, 2)
    return context_for(tenant, Role.ADMIN)


def last_commands(n: int) -> list[dict]:
    return [{**fields, "args": json.loads(fields["args"])} for _, fields in get_redis().xrevrange(stream(), count=n)]


def test_enroll_gives_next_extension_and_refuses_beyond_licences(admin):
    first = enroll_agent(admin, "Fotso", "Hélène", "hfotso", f"h-{admin.tenant_slug}@example-corp.cm")
    second = enroll_agent(admin, "Eto'o", "Samuel", "seto", f"s-{admin.tenant_slug}@example-corp.cm")
    assert (first.extension, second.extension) == ("2001", "2002")
    assert second.endpoint == f"{admin.tenant_slug}-2002"
    assert last_commands(1)[0]["kind"] == "endpoints_changed"
    assert licence_usage(admin.tenant_id) == (2, 2)
    with pytest.raises(NoLicenceLeft):
        enroll_agent(admin, "Biya", "Chantal", "cbiya", f"c-{admin.tenant_slug}@example-corp.cm")
    rows = list_agents(admin)
    assert [(r.full_name, r.extension, r.state) for r in rows] == [
        ("Hélène Fotso", "2001", "LOGGED_OUT"), ("Samuel Eto'o", "2002", "LOGGED_OUT")]


def test_form_errors_name_their_field(admin):
    with pytest.raises(EnrolmentError) as error:
        enroll_agent(admin, "Fotso", "Hélène", "H F", "h@example-corp.cm")
    assert error.value.field == "login"
    enroll_agent(admin, "Fotso", "Hélène", "hf", f"dup-{admin.tenant_slug}@example-corp.cm")
    with pytest.raises(EnrolmentError) as error:
        enroll_agent(admin, "Autre", "Agent", "hf", f"x-{admin.tenant_slug}@example-corp.cm")
    assert error.value.field == "login"


def test_agents_cannot_enroll(admin):
    from services.identity.access import AccessDenied
    from services.db.engine import platform_session
    from services.models.platform import Tenant
    with platform_session() as s:
        tenant = s.get(Tenant, admin.tenant_id)
    with pytest.raises(AccessDenied):
        enroll_agent(context_for(tenant, Role.AGENT), "A", "B", "ab", "ab@example-corp.cm")


def test_unenroll_refused_in_call_then_revokes_everything(admin):
    agent = enroll_agent(admin, "Fotso", "Hélène", "hf2", f"u-{admin.tenant_slug}@example-corp.cm")
    choose_password(agent.user_id)
    session_token = log_in(agent.email, PASSWORD, "10.1.1.1").token
    assert resolve_session(session_token) is not None
    set_agent_state(admin.tenant_id, agent.user_id, AgentState.IN_CALL)
    with pytest.raises(AgentBusy):
        unenroll_agent(admin, agent.user_id)
    set_agent_state(admin.tenant_id, agent.user_id, AgentState.WRAP_UP)
    unenroll_agent(admin, agent.user_id)
    assert list_agents(admin) == []
    assert licence_usage(admin.tenant_id) == (0, 2)
    command = last_commands(1)[0]
    assert command["kind"] == "disable_endpoint" and command["args"]["endpoint"] == agent.endpoint
    assert resolve_session(session_token) is None
    assert not log_in(agent.email, PASSWORD, "10.1.1.1").token
    with pytest.raises(LookupError):
        unenroll_agent(admin, agent.user_id)


def test_an_unenrolment_that_fails_leaves_the_state_as_it_was():
    tenant = new_tenant()
    admin, supervisor = context_for(tenant, Role.ADMIN), context_for(tenant, Role.SUPERVISOR)
    set_agent_state(admin.tenant_id, supervisor.user_id, AgentState.READY)
    with pytest.raises(LookupError):                       # not an agent: nothing is revoked
        unenroll_agent(admin, supervisor.user_id)
    assert agent_state(admin.tenant_id, supervisor.user_id) is AgentState.READY


def test_teams_and_skills_with_levels(admin):
    agent = enroll_agent(admin, "Fotso", "Hélène", "hf3", f"k-{admin.tenant_slug}@example-corp.cm")
    team = create_team(admin, "Recouvrement")
    set_agent_teams(admin, agent.user_id, [team.id])
    set_agent_skill(admin, agent.user_id, "Anglais", 4)
    set_agent_skill(admin, agent.user_id, "Duala", 2)
    set_agent_skill(admin, agent.user_id, "Duala", 0)
    row = list_agents(admin)[0]
    assert row.teams == ["Recouvrement"] and row.skills == ["Anglais (4)"]
