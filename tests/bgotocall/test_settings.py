"""Paramètres: the admin enrols a supervisor (credentials by email, a 29xx phone) and removes one;
sets the company's legal identifiers; a DID and a SIP trunk reach the Asterisk include and the PBX."""
import pytest
from playwright.sync_api import expect

from services.models.platform import Role
from services.voice.gateway import PbxError
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.ami import AmiProbe
from tests.support.inbox import wait_for_message
from tests.support.waiting import wait_until


@pytest.mark.e2e
def test_the_admin_enrols_and_removes_a_supervisor(page, product):
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.get_by_test_id("sidebar").get_by_role("link", name="Paramètres").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Paramètres")
    page.get_by_test_id("tab-supervisors").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("Aucun superviseur")

    email = f"marie-{tenant.slug}@example-corp.cm"
    page.get_by_test_id("new-supervisor").click()
    page.get_by_test_id("enroll-submit").click()                    # the browser asks for the fields first
    expect(page.get_by_role("dialog")).to_be_visible()
    page.locator("#supervisor-last_name").fill("Abena")
    page.locator("#supervisor-first_name").fill("Marie")
    page.locator("#supervisor-login").fill("M Abena")
    page.locator("#supervisor-email").fill(email)
    page.get_by_test_id("enroll-submit").click()
    expect(page.get_by_test_id("error-login")).to_contain_text("minuscules")
    page.locator("#supervisor-login").fill("m.abena")
    page.get_by_test_id("enroll-submit").click()
    row = page.get_by_test_id("supervisor-row").filter(has_text="Marie Abena")
    expect(row).to_contain_text("2900")

    message = wait_for_message(product.sandbox_url, email)
    assert message["subject"].startswith("Vos accès superviseur")
    assert "extension 2900" in message["text"] and "Mot de passe SIP" in message["text"]

    row.get_by_test_id("delete-supervisor").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("perd immédiatement l'accès")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("supervisor-row")).to_have_count(0)


@pytest.mark.e2e
def test_a_did_and_a_trunk_set_in_parametres_reach_the_asterisk_include_and_the_pbx(page, product):
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/parametres")
    expect(page.get_by_test_id("page-title")).to_have_text("Paramètres")

    expect(page.locator("#legal_name")).to_have_value(tenant.name)    # the page has loaded its values
    page.locator("#niu").fill("12")                                    # company: clear messages
    page.get_by_test_id("company-form-save").click()
    expect(page.get_by_test_id("error-niu")).to_contain_text("NIU invalide")
    page.locator("#legal_name").fill("Ekambi Services SARL")
    page.locator("#address").fill("Rue 1.234, Akwa")
    page.locator("#city").fill("Douala")
    page.locator("#niu").fill("M012345678901A")
    page.locator("#rccm").fill("RC/DLA/2019/B/1234")
    page.get_by_test_id("company-form-save").click()
    expect(page.get_by_test_id("error-niu")).to_have_count(0)

    page.get_by_test_id("tab-numbers").click()
    page.get_by_test_id("new-number").click()
    page.locator("#did-number").fill("699 00 00 01")
    page.locator("#did-label").fill("Service client")
    page.get_by_test_id("number-save").click()
    expect(page.get_by_test_id("error-did-number")).to_contain_text("format international")
    page.locator("#did-number").fill("+237 6 99 00 00 01")
    page.get_by_test_id("number-save").click()
    expect(page.get_by_test_id("number-row")).to_contain_text("+237699000001")

    page.get_by_test_id("tab-trunk").click()
    page.locator("#host").fill("sip.operateur.cm")
    page.locator("#trunk-username").fill("douala01")
    page.get_by_test_id("trunk-form-save").click()
    expect(page.get_by_test_id("error-trunk-password")).to_contain_text("mot de passe")
    page.locator("#trunk-password").fill("Tr0nk-secret")
    page.get_by_test_id("trunk-form-save").click()
    expect(page.get_by_test_id("error-trunk-password")).to_have_count(0)

    folder = product.data_dir / "asterisk"
    pjsip, dialplan = folder / "pjsip.d" / f"{tenant.slug}.conf", folder / "extensions.d" / f"{tenant.slug}.conf"
    wait_until(lambda: pjsip.exists() and f"[{tenant.slug}-trunk]" in pjsip.read_text(), what="trunk in include")
    assert "password = Tr0nk-secret" in pjsip.read_text() and "allow = alaw,ulaw" in pjsip.read_text()
    wait_until(lambda: dialplan.exists() and "exten => +237699000001,1" in dialplan.read_text(),
               what="DID in include")

    probe = AmiProbe(product.pbx_port)
    try:
        def carrier() -> str:
            reply = probe.call(probe.gateway.action("Command", as_list=False, Command="dialplan show from-carrier"))
            return str(reply)
        wait_until(lambda: "+237699000001" in carrier(), what="DID in the PBX after reload")
        def trunk_listed() -> bool:
            try:
                endpoint = probe.call(probe.gateway.action("PJSIPShowEndpoint", as_list=True,
                                                           Endpoint=f"{tenant.slug}-trunk"))
            except PbxError:          # asked while the PBX still reloads
                return False
            return any(m.get("ObjectName") == f"{tenant.slug}-trunk" for m in endpoint)
        wait_until(trunk_listed, what="trunk in the PBX after reload")

        page.get_by_test_id("tab-numbers").click()                    # deletion asks first
        page.get_by_test_id("delete-number").click()
        expect(page.get_by_role("alertdialog")).to_contain_text("ne seront plus reçus")
        page.get_by_test_id("confirm-delete-number").click()
        expect(page.get_by_test_id("number-row")).to_have_count(0)
        wait_until(lambda: "+237699000001" not in carrier(), what="DID gone from the PBX")
    finally:
        probe.close()


@pytest.mark.e2e
def test_pause_reasons_set_in_parametres_reach_the_agent_break_menu_without_restart(new_page, product):
    from services.db.tenancy import tenant_session
    from services.identity.login import log_in as service_log_in
    from services.identity.sessions import resolve_session
    from services.models.settings import TenantSettings

    admin = new_page()
    log_in_and_land(admin, "admin@demo-sarl.cm", "Demo-2026!", "/tableau-de-bord")
    ctx = resolve_session(service_log_in("agent2@demo-sarl.cm", "Demo-2026!", "10.9.9.9").token)
    try:
        admin.goto("/parametres")
        admin.get_by_test_id("tab-operations").click()
        reasons = admin.locator("#pause_reasons")
        expect(reasons).to_have_value("Déjeuner\nFormation\nRéunion\nPause courte")
        reasons.fill("Déjeuner\nDéjeuner")
        admin.get_by_test_id("operations-form-save").click()
        expect(admin.get_by_test_id("error-pause_reasons")).to_contain_text("deux fois")
        reasons.fill("Déjeuner\nPrière")
        admin.get_by_test_id("operations-form-save").click()
        expect(admin.get_by_test_id("error-pause_reasons")).to_have_count(0)

        agent = new_page()
        log_in_and_land(agent, "agent2@demo-sarl.cm", "Demo-2026!", "/bandeau")
        expect(agent.get_by_test_id("agent-status")).to_have_text("Prêt")
        agent.get_by_test_id("agent-pause").click()
        expect(agent.get_by_role("menuitem", name="Prière")).to_be_visible()
        expect(agent.get_by_role("menuitem", name="Formation")).to_have_count(0)
        agent.get_by_role("menuitem", name="Prière").click()
        expect(agent.get_by_test_id("agent-status")).to_have_text("Pause")
        agent.keyboard.press("F2")
        expect(agent.get_by_test_id("agent-status")).to_have_text("Prêt")
    finally:
        with tenant_session(ctx) as s:                 # the demo tenant's defaults for the other tests
            row = s.get(TenantSettings, 1)
            if row is not None:
                s.delete(row)


@pytest.mark.e2e
def test_the_email_provider_and_the_stop_confirmation_are_chosen_in_parametres(page, product):
    from services.db.tenancy import tenant_session
    from services.identity.login import log_in as service_log_in
    from services.identity.sessions import resolve_session
    from services.models.settings import TenantSettings
    from services.tenant_settings import messaging_settings

    log_in_and_land(page, "admin@demo-sarl.cm", "Demo-2026!", "/tableau-de-bord")
    ctx = resolve_session(service_log_in("admin@demo-sarl.cm", "Demo-2026!", "10.9.9.8").token)
    try:
        page.goto("/parametres")
        page.get_by_test_id("tab-messaging").click()
        expect(page.get_by_test_id("provider-sendgrid")).to_be_checked(timeout=30_000)
        expect(page.get_by_test_id("stop-confirmation")).not_to_be_checked()
        page.get_by_test_id("provider-smtp").click()
        page.get_by_test_id("stop-confirmation").click()
        page.get_by_test_id("messaging-form-save").click()
        expect(page.get_by_text("Paramètres de messagerie enregistrés")).to_be_visible(timeout=30_000)
        saved = messaging_settings(ctx)
        assert (saved.email_provider, saved.stop_confirmation) == ("smtp", True)

        page.reload()
        page.get_by_test_id("tab-messaging").click()
        expect(page.get_by_test_id("provider-smtp")).to_be_checked(timeout=30_000)
        expect(page.get_by_test_id("stop-confirmation")).to_be_checked()
    finally:
        with tenant_session(ctx) as s:                 # the demo tenant's defaults for the other tests
            row = s.get(TenantSettings, 1)
            if row is not None:
                s.delete(row)
