"""Super admin console in Chromium: the price list feeds the configurator of a new sign-up;
the platform switch for internal addresses changes what remote sources are refused;
the admin's home asks a tenant waiting for payment to finish its order."""
import uuid

import pytest
from playwright.sync_api import expect

from services.audience.remote import RemoteSourceError, checked_address
from services.billing.cart import save_cart
from services.billing.wallet import open_wallet
from services.db.engine import platform_session
from services.db.tenancy import create_tenant
from services.demo import SUPER_ADMIN_EMAIL
from services.models.platform import Role, TenantStatus
from services.onboarding.options import PRIVATE_DB_SOURCES
from tests.support.accounts import PASSWORD, context_for, new_user
from tests.support.browser import log_in_and_land, log_out
from tests.support.platform_options import restored_prices, restored_switch
from tests.support.waiting import wait_until


def _new_eur_signup() -> str:
    tenant = create_tenant("e" + uuid.uuid4().hex[:10], "Conseil Lyon SAS", "FR", "EUR",
                           status=TenantStatus.PENDING_PAYMENT)
    with platform_session() as s:
        open_wallet(s, tenant.id, "EUR")
    save_cart(context_for(tenant, Role.ADMIN), ["sms"], 1, {"sms": 1000})
    return new_user(tenant, Role.ADMIN)


@pytest.mark.e2e
def test_an_edited_price_is_used_by_the_configurator_of_a_new_sign_up(page, product):
    with restored_prices("EUR"):
        log_in_and_land(page, SUPER_ADMIN_EMAIL, product.demo_password, "/plateforme")
        page.goto("/plateforme/tarifs")
        sms = page.locator("#price-EUR-sms")
        expect(sms).not_to_have_value("")
        sms.fill("douze")
        page.get_by_test_id("save-prices-EUR").click()
        expect(page.get_by_test_id("error-price-EUR-sms")).to_contain_text("Prix invalide")
        sms.fill("0,13")
        page.get_by_test_id("save-prices-EUR").click()
        expect(page.get_by_test_id("error-price-EUR-sms")).to_have_count(0)
        expect(page.get_by_text("Grille tarifaire EUR enregistrée.")).to_be_visible()
        log_out(page)

        log_in_and_land(page, _new_eur_signup(), PASSWORD, "/tableau-de-bord")
        expect(page.get_by_test_id("pending-payment")).to_be_visible()
        page.get_by_test_id("finish-order").click()
        page.wait_for_url("**/configurateur")
        # 1 000 SMS at 0,13 € = 130,00 € of estimated consumption
        expect(page.get_by_text("130,00 €")).to_be_visible()


def _refused() -> bool:
    try:
        checked_address("127.0.0.1", 5432)
    except RemoteSourceError:
        return True
    return False


@pytest.mark.e2e
def test_the_internal_addresses_switch_changes_the_remote_source_refusal(page, product):
    with restored_switch(PRIVATE_DB_SOURCES):
        log_in_and_land(page, SUPER_ADMIN_EMAIL, product.demo_password, "/plateforme")
        switch = page.get_by_test_id("switch-audience")
        initially_refused = _refused()
        expect(switch).to_have_attribute("data-state",
                                         "unchecked" if initially_refused else "checked")
        switch.click()
        wait_until(lambda: _refused() != initially_refused, what="switch stored")
        switch.click()
        wait_until(lambda: _refused() == initially_refused, what="switch restored")
        page.reload()
        expect(page.get_by_test_id("switch-audience")).to_have_attribute(
            "data-state", "unchecked" if initially_refused else "checked")


@pytest.mark.e2e
def test_a_failed_provisioning_step_is_retried_from_the_log(page, product):
    from sqlalchemy import text

    from services.onboarding.provisioning import plan_provisioning

    tenant = create_tenant("r" + uuid.uuid4().hex[:10], "Relance SARL", "CM", "XAF")
    with platform_session() as s:
        plan_provisioning(s, tenant.id)
        s.connection().execute(text(
            "UPDATE platform.provisioning_step SET status = CASE WHEN step = 'storage' "
            "THEN 'failed' ELSE 'done' END, attempts = 1, detail = CASE WHEN step = 'storage' "
            "THEN 'OSError: disque plein' ELSE '' END WHERE tenant_id = :t"), {"t": tenant.id})

    def storage_step() -> tuple[str, int, str]:
        with platform_session() as s:
            return tuple(s.connection().execute(text(
                "SELECT status, attempts, detail FROM platform.provisioning_step WHERE tenant_id = :t "
                "AND step = 'storage'"), {"t": tenant.id}).one())

    log_in_and_land(page, SUPER_ADMIN_EMAIL, product.demo_password, "/plateforme")
    expect(page.get_by_test_id("signups-chart")).to_be_visible()
    expect(page.get_by_test_id("kpi-failed")).not_to_have_text("0")
    page.get_by_test_id("kpi-failed").click()                      # the home points at the failures
    page.wait_for_url("**/plateforme/provisionnement?echecs=1")
    expect(page.get_by_test_id("failed-only")).to_be_checked()
    page.get_by_test_id("provisioning-search").fill("Relance SARL")
    table = page.get_by_test_id("provisioning-table")
    expect(table).to_contain_text("OSError: disque plein")
    expect(table).to_contain_text(tenant.slug)
    page.get_by_test_id(f"retry-{tenant.slug}").click()
    expect(page.get_by_text("Provisionnement relancé")).to_be_visible()    # queued for the workers
    wait_until(lambda: storage_step()[0] == "done",
               what=lambda: f"the worker retrying the step (status, attempts, detail: {storage_step()})")
    page.get_by_role("button", name="Actualiser").click()
    expect(page.get_by_test_id(f"retry-{tenant.slug}")).to_have_count(0)
    expect(page.get_by_text("Aucune instance ne correspond à cette recherche.")).to_be_visible()
    assert (product.data_dir / "tenants" / tenant.slug / "invoices").is_dir()


@pytest.mark.e2e
def test_the_super_admin_fills_the_seller_legal_mentions_printed_on_invoices(page, product):
    from services.billing.seller import SELLER_KEY, seller_details

    with restored_switch(SELLER_KEY):
        with platform_session() as s:                              # as on a new platform: none set
            from services.models.billing import PlatformOption
            row = s.get(PlatformOption, SELLER_KEY)
            if row is not None:
                s.delete(row)
        log_in_and_land(page, SUPER_ADMIN_EMAIL, product.demo_password, "/plateforme")
        expect(page.get_by_test_id("seller-missing")).to_contain_text("NIU, RCCM")
        page.locator("#seller-niu").fill("voir contrat")
        page.get_by_test_id("seller-save").click()
        expect(page.get_by_test_id("error-seller-niu")).to_contain_text("NIU invalide")
        page.locator("#seller-niu").fill("M098765432109Z")
        page.locator("#seller-rccm").fill("RC/DLA/2020/B/4321")
        page.get_by_test_id("seller-save").click()
        expect(page.get_by_test_id("seller-missing")).to_have_count(0)
        assert seller_details()["niu"] == "M098765432109Z"
