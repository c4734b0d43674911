"""What the panel of a « Déconnecté » agent shows: the enrolment email's settings, never the secret."""
import pytest

from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.identity.login import log_in
from services.identity.sessions import resolve_session
from services.models.platform import Role
from services.models.voice import AgentProfile
from services.voice.agents import enroll_agent
from services.voice.licences import grant_licences
from services.voice.phone_setup import SALES_QUEUE_TARGET, my_phone_setup, my_webrtc_credentials, transfer_targets
from services.voice.sip import connection_settings, unseal_secret
from tests.services.voice.test_agents import choose_password
from tests.support.accounts import PASSWORD, context_for, new_tenant


def test_an_agent_sees_the_settings_of_the_enrolment_email_but_not_the_sip_password():
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    email = f"j.ekambi-{admin.tenant_slug}@example-corp.cm"
    enrolled = enroll_agent(admin, "Ekambi", "Jeanne", "j.ekambi", email)
    choose_password(enrolled.user_id)
    agent = resolve_session(log_in(email, PASSWORD, "10.9.9.9").token)

    setup = my_phone_setup(agent)

    with tenant_session(admin) as session:
        secret = unseal_secret(session.get(AgentProfile, enrolled.user_id).sip_secret_sealed)
    emailed = connection_settings(admin.tenant_slug, enrolled.extension, secret)
    assert (setup.login, setup.extension, setup.sip_user) == ("j.ekambi", enrolled.extension, enrolled.endpoint)
    assert (setup.server, setup.webrtc, setup.softphone) == (emailed["domain"], emailed["webrtc"],
                                                            emailed["softphone"])
    assert secret not in repr(setup)


def test_only_agents_have_a_phone_setup_on_their_panel():
    tenant = new_tenant()
    with pytest.raises(AccessDenied):
        my_phone_setup(context_for(tenant, Role.SUPERVISOR))
    assert my_phone_setup(context_for(tenant, Role.AGENT)) is None  # an account without extension


def test_the_browser_phone_gets_the_agents_own_credentials_and_the_tenants_transfer_targets():
    tenant, other = new_tenant(), new_tenant()
    grant_licences(tenant.id, 2)
    grant_licences(other.id, 1)
    admin, stranger_admin = context_for(tenant, Role.ADMIN), context_for(other, Role.ADMIN)
    email = f"j.ekambi-{admin.tenant_slug}@example-corp.cm"
    enrolled = enroll_agent(admin, "Ekambi", "Jeanne", "j.ekambi", email)
    colleague = enroll_agent(admin, "Nkodo", "Paul", "p.nkodo", f"p.nkodo-{admin.tenant_slug}@example-corp.cm")
    enroll_agent(stranger_admin, "Abena", "Rose", "r.abena", f"r.abena-{other.slug}@example-corp.cm")
    choose_password(enrolled.user_id)
    agent = resolve_session(log_in(email, PASSWORD, "10.9.9.9").token)

    credentials = my_webrtc_credentials(agent)

    with tenant_session(admin) as session:
        secret = unseal_secret(session.get(AgentProfile, enrolled.user_id).sip_secret_sealed)
    emailed = connection_settings(admin.tenant_slug, enrolled.extension, secret)
    assert credentials == {"websocket": emailed["webrtc"], "uri": f"sip:{enrolled.endpoint}@{emailed['domain']}",
                           "user": enrolled.endpoint, "password": secret, "domain": emailed["domain"]}
    assert transfer_targets(agent) == [(SALES_QUEUE_TARGET, ""), (colleague.extension, "Paul Nkodo")]
    with pytest.raises(AccessDenied):
        my_webrtc_credentials(admin)
    with pytest.raises(AccessDenied):
        transfer_targets(context_for(tenant, Role.SUPERVISOR))
    assert my_webrtc_credentials(context_for(tenant, Role.AGENT)) is None   # an account without extension
