"""Audience in Chromium: import a French CSV through the A-D wizard, find a contact,
manage the blacklist; roles are checked on every page, download and event."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sqlmodel import select

from services.audience.blacklist import record_opt_out
from services.audience.imports import custom_field_kinds
from services.db.tenancy import tenant_session
from services.models.audience import ContactRecord
from services.models.platform import Role
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import drop_file, log_in_and_land, wait_upload_page_connected
from tests.support.workbooks import CONTACTS, xlsx_bytes

# A Windows-1252, semicolon-separated export from a French Excel: accents, a phone column
# whose name matches no alias (mapped by hand), a duplicate, a bad number, an opted-out one.
CSV = (
    "Code client;Nom;Prénom;Numéro portable;Courriel;Ville\n"
    "C1;Müller;Hélène;6 71 23 45 67;helene@exemple.cm;Douala\n"
    "C2;Lefèvre;François;+33 6 12 34 56 78;;Paris\n"
    "C3;Ngo Bassa;Aïcha;671234567;;Yaoundé\n"
    "C4;Fotso;Jean-Noël;12345;;Bafoussam\n"
    "C5;Éboué;Zoë;699 88 77 66;;Garoua\n"
    "C6;Nkoulou;Chloé;+237 222 23 45 67;;Kribi\n"
).encode("cp1252")


def _shot(page, name: str) -> None:
    """Screenshots for a human check, when BGC_SHOTS names a folder."""
    if os.environ.get("BGC_SHOTS"):
        page.screenshot(path=str(Path(os.environ["BGC_SHOTS"]) / f"{name}.png"), full_page=True)


def _choose(select, option: str) -> None:
    select.click()
    select.page.get_by_role("option", name=option, exact=True).click()


def _mapping(page, field: str):
    """The column select on the row of {field} in the mapping table."""
    return (page.get_by_test_id("mapping-table").get_by_role("row")
            .filter(has_text="{" + field + "}").get_by_role("combobox"))


@pytest.mark.e2e
def test_import_a_windows_1252_csv_then_find_a_contact_by_national_number(page, product):
    tenant = new_tenant()
    record_opt_out(tenant.id, "+237699887766", channel="SMS", source="STOP")
    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.get_by_role("link", name="Audience").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("Aucune liste")
    page.get_by_test_id("new-import").click()
    page.wait_for_url("**/audience/import")
    expect(page.get_by_test_id("stepper")).to_contain_text("Correspondance")

    # A: the file
    drop_file(page, 
        {"name": "clients.csv", "mimeType": "text/csv", "buffer": CSV})
    expect(page.get_by_test_id("encoding")).to_have_text("cp1252")
    expect(page.get_by_test_id("columns")).to_contain_text("Prénom · Numéro portable")
    _shot(page, "audience-a-source")
    page.get_by_test_id("to-mapping").click()

    # B: {Telephone} is not guessed from "Numéro portable": map it by hand
    expect(_mapping(page, "Nom")).to_contain_text("2 · Nom")
    expect(_mapping(page, "Telephone")).to_contain_text("—")
    _choose(_mapping(page, "Telephone"), "4 · Numéro portable")
    sample = page.get_by_test_id("sample-table")
    expect(sample).to_contain_text("Hélène")
    expect(sample).to_contain_text("6 71 23 45 67")
    _shot(page, "audience-b-mapping")
    page.get_by_test_id("to-rules").click()

    # C then D: the counts over the whole file
    page.get_by_test_id("analyse").click()
    expect(page.get_by_test_id("summary")).to_have_text(
        "6 contacts détectés, 1 erreurs de format, 1 doublons, 1 en liste noire")
    expect(page.get_by_test_id("accepted")).to_contain_text("3")
    _shot(page, "audience-d-summary")
    report = page.request.get(page.get_by_test_id("report-link").get_attribute("href"))
    assert report.status == 200
    assert "Doublon" in report.text() and "numéro trop court" in report.text()
    page.locator("#list-name").fill("Clients Douala")
    page.get_by_test_id("start-import").click()

    # The list is imported by the worker; the page follows its progress until "Prête".
    page.wait_for_url("**/audience")
    row = page.get_by_test_id("list-row").filter(has_text="Clients Douala")
    expect(row.get_by_test_id("list-status")).to_have_text("Prête")
    expect(row).to_contain_text("1 / 1 / 1")
    expect(row).to_contain_text("Fichier CSV « clients.csv »")
    page.reload()
    expect(row.get_by_test_id("list-status")).to_have_text("Prête")

    page.locator("#contact-query").fill("6 71 23 45 67")
    page.get_by_test_id("contact-search").click()
    hits = page.get_by_test_id("contact-hits")
    expect(hits).to_contain_text("Hélène Müller")
    expect(hits).to_contain_text("+237671234567")
    expect(hits).to_contain_text("Clients Douala")
    _shot(page, "audience-lists")

    row.get_by_test_id("delete-list").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("supprimés définitivement")
    page.get_by_test_id("delete-list-confirm").click()
    expect(page.get_by_test_id("empty-state")).to_be_visible()


@pytest.mark.e2e
def test_a_column_no_field_reads_is_kept_in_a_field_created_on_the_spot(page, product):
    """« Ville » matches no field: the mapping step says it will not be kept and creates the
    field; the rows with an email but no phone are kept, and the summary says what for."""
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.goto("/audience/import")
    drop_file(page, {
        "name": "relances.csv", "mimeType": "text/csv",
        "buffer": ("Nom;Téléphone;Courriel;Ville;Solde\n"
                   "Müller;671234567;;Douala;1 234,50\n"
                   "Ngo;;ngo@exemple.cm;Yaoundé;12\n"
                   "Eto;;eto@exemple.cm;Kribi;30\n").encode()})
    page.get_by_test_id("to-mapping").click()

    unkept = page.get_by_test_id("unkept-column")
    expect(unkept).to_have_count(2)
    expect(unkept.nth(0)).to_contain_text("4 · Ville")
    expect(unkept.nth(1)).to_contain_text("5 · Solde")
    _shot(page, "audience-b-unkept")
    unkept.filter(has_text="Ville").get_by_test_id("keep-column").click()
    expect(page.locator("#new-field-name")).to_have_value("Ville")
    _shot(page, "audience-b-new-field")
    page.get_by_test_id("create-field").click()
    expect(_mapping(page, "Ville")).to_contain_text("4 · Ville")
    expect(page.get_by_test_id("sample-table")).to_contain_text("Yaoundé")

    unkept.filter(has_text="Solde").get_by_test_id("keep-column").click()
    page.locator("#new-field-name").fill("Solde du")
    _choose(page.locator("#new-field-kind"), "Nombre")
    page.get_by_test_id("create-field").click()
    expect(page.get_by_test_id("all-columns-kept")).to_be_visible()
    expect(page.get_by_test_id("sample-table")).to_contain_text("1 234,50")  # as read; typed at import
    page.get_by_test_id("to-rules").click()

    page.get_by_test_id("analyse").click()
    expect(page.get_by_test_id("summary")).to_have_text(
        "3 contacts détectés, 0 erreurs de format, 0 doublons, 0 en liste noire")
    expect(page.get_by_test_id("email-only")).to_have_text(
        "2 contacts sans téléphone : utilisables pour l'email uniquement.")
    _shot(page, "audience-d-email-only")
    page.locator("#list-name").fill("Relances")
    page.get_by_test_id("start-import").click()
    page.wait_for_url("**/audience")
    expect(page.get_by_test_id("list-row").filter(has_text="Relances").get_by_test_id("list-status")
           ).to_have_text("Prête")
    expect(page.get_by_test_id("custom-field")).to_have_text(["{Solde_du} · Nombre", "{Ville} · Texte"])
    _shot(page, "audience-custom-fields")

    ctx = context_for(tenant, Role.ADMIN)
    assert custom_field_kinds(ctx) == {"Solde_du": "nombre", "Ville": "texte"}
    with tenant_session(ctx) as session:
        extras = session.exec(select(ContactRecord.extra).order_by(ContactRecord.line)).all()
    assert extras == [{"Ville": "Douala", "Solde_du": "1234.50"}, {"Ville": "Yaoundé", "Solde_du": "12"},
                      {"Ville": "Kribi", "Solde_du": "30"}]


@pytest.mark.e2e
def test_import_an_excel_file_whose_phones_are_numbers(page, product):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/audience/import")
    drop_file(page, {
        "name": "contacts.xlsx", "buffer": xlsx_bytes(CONTACTS),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    expect(page.get_by_test_id("columns")).to_have_text(
        "Colonnes trouvées : Nom · Prénom · Téléphone · Email")
    page.get_by_test_id("to-mapping").click()
    expect(page.get_by_test_id("sample-table")).to_contain_text("671234567")
    page.get_by_test_id("to-rules").click()
    page.get_by_test_id("analyse").click()
    expect(page.get_by_test_id("summary")).to_have_text(
        "3 contacts détectés, 0 erreurs de format, 0 doublons, 0 en liste noire")
    page.locator("#list-name").fill("Classeur Excel")
    page.get_by_test_id("start-import").click()
    page.wait_for_url("**/audience")
    row = page.get_by_test_id("list-row").filter(has_text="Classeur Excel")
    expect(row.get_by_test_id("list-status")).to_have_text("Prête")
    expect(row).to_contain_text("Fichier XLSX « contacts.xlsx »")


@pytest.mark.e2e
def test_blacklist_import_of_an_excel_file(page, product):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/liste-noire")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    drop_file(page, {
        "name": "stop.xlsx", "buffer": xlsx_bytes(CONTACTS),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    expect(page.get_by_text("4 ajout(s), 0 ligne(s) ignorée(s).")).to_be_visible()
    expect(page.get_by_test_id("optout-table")).to_contain_text("+237699887766")


@pytest.mark.e2e
def test_a_file_of_another_type_is_refused_in_french(page, product):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/audience/import")
    drop_file(page, 
        {"name": "contrat.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"})
    expect(page.get_by_text("Fichier refusé : déposez un seul fichier")).to_be_visible()
    expect(page.get_by_text("Files not Accepted")).to_have_count(0)


@pytest.mark.e2e
def test_unsure_separator_is_chosen_by_the_user(page, product):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/audience/import")
    drop_file(page, {
        "name": "export.csv", "mimeType": "text/csv",
        "buffer": "Nom;Ville, Région;tel\nNgo;Douala, Littoral;671234567\n".encode()})
    expect(page.get_by_test_id("separator-unsure")).to_be_visible()
    _choose(page.locator("#separator"), "Virgule (,)")
    expect(page.get_by_test_id("columns")).to_have_text("Colonnes trouvées : Nom;Ville · Région;tel")
    _choose(page.locator("#separator"), "Point-virgule (;)")
    expect(page.get_by_test_id("columns")).to_have_text("Colonnes trouvées : Nom · Ville, Région · tel")
    expect(page.get_by_test_id("separator-unsure")).to_have_count(0)


@pytest.mark.e2e
def test_database_on_an_internal_address_is_refused(page, product):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/audience/import")
    wait_upload_page_connected(page)
    page.get_by_role("radio", name="Base de données (connecteur)").click()
    page.locator("#db-url").fill("mysql://127.0.0.1:3306/test")
    page.locator("#db-login").fill("root")
    page.locator("#db-table").fill("clients")
    page.get_by_test_id("db-connect").click()
    expect(page.get_by_test_id("import-error")).to_contain_text("interne")


@pytest.mark.e2e
def test_blacklist_add_export_remove_with_history(page, product):
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.get_by_role("link", name="Liste noire").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("La liste noire est vide")
    page.locator("#optout-phone").fill("6 55 11 22 33")
    page.locator("#optout-note").fill("=HYPERLINK(\"http://x\")")
    page.get_by_test_id("add-optout").click()
    expect(page.get_by_test_id("optout-table")).to_contain_text("+237655112233")
    expect(page.locator("#optout-phone")).to_have_value("")  # cleared by the server first
    page.locator("#optout-phone").fill("12")
    page.get_by_test_id("add-optout").click()
    expect(page.get_by_test_id("optout-error")).to_contain_text("Téléphone invalide")

    export = page.request.get("/api/audience/liste-noire/export")
    assert export.status == 200, export.text()
    assert "'+237655112233" in export.text() and "\"'=HYPERLINK" in export.text()
    _shot(page, "blacklist")

    page.get_by_test_id("remove-optout").click()
    page.get_by_test_id("remove-optout-confirm").click()
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    expect(page.get_by_test_id("optout-history")).to_contain_text("Retrait")


@pytest.mark.e2e
def test_agents_search_contacts_but_cannot_manage_audience(page, product):
    tenant = new_tenant()
    log_in_and_land(page, new_user(tenant, Role.AGENT), PASSWORD, "/bandeau")
    page.goto("/contacts")
    page.locator("#contact-query").fill("699887766")
    page.get_by_test_id("contact-search").click()
    expect(page.get_by_test_id("no-contact")).to_be_visible()
    for path in ("/audience", "/audience/import", "/liste-noire"):
        page.goto(path)
        page.wait_for_url("**/interdit")
    assert page.request.get("/api/audience/liste-noire/export").status == 403
