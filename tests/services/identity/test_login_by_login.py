"""An enrolled agent signs in with the login of the enrolment email (`j.ekambi`) as well as with
the email; a login is unique per tenant only."""
import uuid

from services.identity.login import WRONG_CREDENTIALS, log_in
from services.models.platform import Role
from services.voice.agents import enroll_agent
from services.voice.licences import grant_licences
from tests.support.accounts import PASSWORD, choose_password, context_for, new_tenant


def _enrolled(login: str):
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    agent = enroll_agent(admin, "Ekambi", "Jean", login, f"jean-{tenant.slug}@example-corp.cm")
    choose_password(agent.user_id)
    return tenant, agent


def test_an_agent_signs_in_with_the_login_of_the_enrolment_email_or_with_the_email():
    login = f"j.ekambi-{uuid.uuid4().hex[:6]}"
    _, agent = _enrolled(login)
    by_login = log_in(f" {login.upper()} ", PASSWORD, "10.4.0.1")
    assert by_login.error == ""
    assert by_login.context.user_id == agent.user_id and by_login.context.role is Role.AGENT
    assert log_in(agent.email, PASSWORD, "10.4.0.1").context.user_id == agent.user_id
    assert log_in(login, "Wrong-password-1", "10.4.0.1").error == WRONG_CREDENTIALS


def test_a_login_two_tenants_share_names_nobody_on_the_platform_address_but_each_on_its_own():
    login = f"j.ekambi-{uuid.uuid4().hex[:6]}"
    (first, agent_one), (second, agent_two) = _enrolled(login), _enrolled(login)
    assert log_in(login, PASSWORD, "10.4.0.2").error == WRONG_CREDENTIALS
    assert log_in(login, PASSWORD, "10.4.0.2", only_tenant_id=first.id).context.user_id == agent_one.user_id
    assert log_in(login, PASSWORD, "10.4.0.2", only_tenant_id=second.id).context.user_id == agent_two.user_id
