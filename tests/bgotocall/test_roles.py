"""Each demo role logs in, sees its own home and navigation, and no other role's pages."""
import pytest
from playwright.sync_api import expect

from services.demo import SUPER_ADMIN_EMAIL
from tests.support.browser import log_in_and_land, log_out

ROLES = {
    "super_admin": (SUPER_ADMIN_EMAIL, "/plateforme", "Plateforme",
                    ["Instances", "Grille tarifaire", "Provisionnement"],
                    ["/supervision", "/bandeau", "/facturation", "/statistiques"]),
    "admin": ("admin@demo-sarl.cm", "/tableau-de-bord", "Tableau de bord",
              ["Campagnes", "Audience", "Équipes", "Statistiques", "Facturation", "Documents"],
              ["/plateforme", "/bandeau"]),
    "supervisor": ("superviseur@demo-sarl.cm", "/supervision", "Supervision",
                   ["Campagnes", "Audience", "Équipes", "Statistiques", "Liste noire"],
                   ["/facturation", "/plateforme", "/bandeau", "/parametres"]),
    "agent": ("agent1@demo-sarl.cm", "/bandeau", "Bandeau agent", [],
              ["/supervision", "/equipes", "/facturation", "/plateforme", "/statistiques"]),
}


@pytest.mark.e2e
@pytest.mark.parametrize("role", ROLES)
def test_role_home_navigation_and_refusals(page, product, role):
    email, home, title, nav, forbidden = ROLES[role]
    log_in_and_land(page, email, product.demo_password, home)
    expect(page.get_by_test_id("page-title")).to_have_text(title)
    sidebar = page.get_by_test_id("sidebar")
    for label in nav:
        expect(sidebar.get_by_role("link", name=label, exact=True)).to_be_visible()
    if role == "agent":
        expect(page.get_by_role("link", name="Campagnes")).to_have_count(0)
    for path in forbidden:
        page.goto(path)
        page.wait_for_url("**/interdit")
        expect(page.get_by_test_id("page-title")).to_have_text("Accès refusé")


@pytest.mark.e2e
def test_logout_ends_the_session(page, product):
    log_in_and_land(page, "superviseur@demo-sarl.cm", product.demo_password, "/supervision")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "bgc_session")
    log_out(page)
    page.goto("/campagnes")
    page.wait_for_url("**/connexion")
    # The old token, replayed in another browser, opens nothing either.
    page.context.add_cookies([{"name": "bgc_session", "value": token,
                               "url": product.public_url}])
    page.goto("/supervision")
    page.wait_for_url("**/connexion")


@pytest.mark.e2e
def test_not_signed_in_goes_to_login(page):
    page.goto("/equipes")
    page.wait_for_url("**/connexion")
    expect(page.get_by_test_id("page-title")).to_have_text("Connexion")


@pytest.mark.e2e
def test_language_switch_turns_the_navigation_to_english(page, product):
    log_in_and_land(page, "admin@demo-sarl.cm", product.demo_password, "/tableau-de-bord")
    page.get_by_role("radio", name="EN").click()
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Campaigns",
                                                       exact=True)).to_be_visible()
    expect(page.get_by_test_id("page-title")).to_have_text("Dashboard")
    page.reload()
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Billing")).to_be_visible()
