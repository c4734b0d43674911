"""The panel of an agent whose phone is not connected says why and how to connect it."""
import os

import pytest
from playwright.sync_api import expect

from services.db.tenancy import tenant_session
from services.models.platform import Role
from services.models.voice import AgentProfile
from services.voice.agents import enroll_agent
from services.voice.licences import grant_licences
from services.voice.sip import unseal_secret
from tests.services.voice.test_agents import choose_password
from tests.support.accounts import PASSWORD, context_for, new_tenant
from tests.support.browser import log_in_and_land


@pytest.mark.e2e
def test_a_logged_out_agent_is_told_to_connect_the_phone_with_the_emailed_settings(page, product):
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    email = f"j.ekambi-{tenant.slug}@example-corp.cm"
    enrolled = enroll_agent(admin, "Ekambi", "Jeanne", "j.ekambi", email)
    choose_password(enrolled.user_id)
    with tenant_session(admin) as session:
        secret = unseal_secret(session.get(AgentProfile, enrolled.user_id).sip_secret_sealed)

    log_in_and_land(page, email, PASSWORD, "/bandeau")   # its phone never registered

    expect(page.get_by_test_id("agent-status")).to_have_text("Déconnecté")
    help_ = page.get_by_test_id("logged-out-help")
    expect(help_).to_contain_text("aucun appel ne peut vous être distribué")
    expect(help_).to_contain_text("softphone")
    expect(page.get_by_test_id("phone-extension")).to_have_text(enrolled.extension)
    expect(page.get_by_test_id("phone-login")).to_have_text("j.ekambi")
    expect(page.get_by_test_id("phone-sip-user")).to_have_text(enrolled.endpoint)
    expect(page.get_by_test_id("phone-server")).not_to_be_empty()
    expect(page.get_by_test_id("phone-password")).to_contain_text("email d'inscription")
    assert secret not in page.content()
    if os.environ.get("BGC_SHOTS"):
        page.screenshot(path=f"{os.environ['BGC_SHOTS']}/agent-logged-out.png", full_page=True)
