"""The admin enrols supervisors like agents, with a supervisor phone and no agent licence."""
import pytest

from services.identity.access import AccessDenied
from services.models.platform import Role
from services.voice.agents import AgentBusy, EnrolmentError
from services.voice.licences import licence_usage
from services.voice.presence import AgentState, agent_state, set_agent_state
from services.voice.supervisors import enroll_supervisor, list_supervisors, unenroll_supervisor
from tests.support.accounts import context_for, new_tenant


def test_supervisors_take_a_29xx_phone_and_no_licence_and_can_be_removed():
    tenant = new_tenant()                                     # a plan without agent licences
    admin = context_for(tenant, Role.ADMIN)
    paul = enroll_supervisor(admin, "Nkodo", "Paul", "pnkodo", f"paul-{tenant.slug}@example-corp.cm")
    marie = enroll_supervisor(admin, "Abena", "Marie", "mabena", f"marie-{tenant.slug}@example-corp.cm")
    assert (paul.extension, marie.extension) == ("2900", "2901")
    assert licence_usage(tenant.id) == (0, 0)
    assert [(r.full_name, r.extension) for r in list_supervisors(admin)] == [
        ("Marie Abena", "2901"), ("Paul Nkodo", "2900")]

    set_agent_state(tenant.id, paul.user_id, AgentState.IN_CALL)          # coaching from his phone
    with pytest.raises(AgentBusy, match="Ce superviseur est en communication"):
        unenroll_supervisor(admin, paul.user_id)
    set_agent_state(tenant.id, paul.user_id, AgentState.READY)
    unenroll_supervisor(admin, paul.user_id)
    assert [r.full_name for r in list_supervisors(admin)] == ["Marie Abena"]
    assert agent_state(tenant.id, paul.user_id) is AgentState.LOGGED_OUT
    with pytest.raises(LookupError, match="Superviseur introuvable"):
        unenroll_supervisor(admin, paul.user_id)


def test_only_the_admin_manages_supervisors_and_roles_do_not_mix():
    tenant = new_tenant()
    admin, supervisor = context_for(tenant, Role.ADMIN), context_for(tenant, Role.SUPERVISOR)
    with pytest.raises(AccessDenied):
        enroll_supervisor(supervisor, "Abena", "Marie", "mabena", f"m-{tenant.slug}@example-corp.cm")
    with pytest.raises(AccessDenied):
        list_supervisors(supervisor)
    with pytest.raises(EnrolmentError) as error:
        enroll_supervisor(admin, "Abena", "Marie", "m a", f"m-{tenant.slug}@example-corp.cm")
    assert error.value.field == "login"
    with pytest.raises(LookupError):                         # an agent is not removed as a supervisor
        unenroll_supervisor(admin, context_for(tenant, Role.AGENT).user_id)
    with pytest.raises(LookupError):                         # nor a supervisor of another tenant
        unenroll_supervisor(context_for(new_tenant(), Role.ADMIN), supervisor.user_id)
