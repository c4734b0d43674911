"""Issue 14 « Must show », end to end in Chromium on a production day made by the real engines: a
progressive campaign with a voice slot (recorded) and an SMS slot is launched on the demo tenant;
Hélène's calls go through the PBX simulator (answered, busy, invalid), she qualifies the answered
ones on her panel, the SMS leave through the Twilio twin and come back delivered. Then the
supervisor's « Détails / Rapports » shows figures equal to those recomputed here from the raw
interactions, a chart, the journal filtered by agent and code, a recording that plays, a synthesis
PDF whose text holds the same figures, an Excel export of the chosen columns, and recycling of the
busy number."""
from __future__ import annotations

import io
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.models.interactions import Interaction
from services.platform.users import find_user
from services.reporting import text
from tests.support.browser import log_in_and_land
from tests.support.campaigns import free_agent_after, helene_calling, in_lunch_break
from tests.support.inbox import wait_for_message
from tests.support.waiting import wait_until

# the simulator decides a call by the last digit (1: answers after 1.5 s; 4: busy; 5: invalid) and
# the talk time by the one before (1: the customer hangs up 5 s after answering); the Twilio twin
# delivers an SMS whose number does not end in 00-03; French mobiles: SMS may leave at any hour
CONTACTS = [("Kamga", "Armel", "+33612345611", "armel@exemple.fr"),
            ("Biyong", "Sandrine", "+33612345614", "sandrine@exemple.fr"),
            ("Ondoa", "Luc", "+33612345615", "luc@exemple.fr"),
            ("Mvondo", "Claire", "+33612345621", "claire@exemple.fr")]
CODES = {"Armel Kamga": "Vente", "Claire Mvondo": "Refus"}
SETTLED = {"VOIX": {"ENDED", "WRAPPED_UP", "FAILED"}, "SMS": {"DELIVERED"}}
NOT_LEFT_QUEUE, PENDING = {"QUEUED", "CANCELLED"}, {"QUEUED", "SENDING"}


def seconds(later, earlier) -> float:
    return (later - earlier).total_seconds()


def rate(part: list, whole: list) -> str:
    return text.pct(round(100.0 * len(part) / len(whole), 1))


def expected_figures(rows: list[Interaction], contacts: list) -> dict[str, str]:
    """The summary cards recomputed from the raw rows, by the definitions of services.reporting.figures."""
    calls = [r for r in rows if r.channel == "VOIX"]
    outbound = [r for r in rows if r.direction == "OUT"]
    attempted = [r for r in outbound if r.status not in NOT_LEFT_QUEUE]
    reached = [r for r in outbound if (r.answered_at if r.channel == "VOIX" else r.delivered_at)]
    successes = [r for r in outbound if r.qualification == "VENTE"]
    talked = [r for r in calls if r.answered_at and r.ended_at]
    talk = sum(seconds(r.ended_at, r.answered_at) for r in talked)
    handling = talk + sum(seconds(r.wrapup_ended_at, r.ended_at) for r in talked if r.wrapup_ended_at)
    touched = {r.contact_id for r in rows if r.status not in PENDING}
    costs: dict[str, int] = {}
    for r in rows:
        if r.cost_amount:
            costs[r.cost_currency] = costs.get(r.cost_currency, 0) + r.cost_amount
    return {"volume": text.number(len(rows)), "calls": text.number(len(calls)),
            "messages": text.number(len(rows) - len(calls)),
            "progress": rate(touched, contacts), "attempted": rate(attempted, outbound),
            "reached": rate(reached, attempted), "success": rate(successes, reached),
            "talk": text.duration(talk), "dmt": text.duration(handling / len(talked)),
            "cost": text.costs(costs)}


@pytest.mark.e2e
def test_a_production_day_made_by_the_engines_is_reported_as_it_happened(page: Page, new_page, product):
    sup, helene, config = helene_calling("Journée de production", CONTACTS, "PROGRESSIVE",
                                         "<p>Bonjour {Prenom} {Nom}.</p>")
    config["channels"]["voice"].update(record=True, max_attempts=1)
    config["channels"]["sms"].update(enabled=True, text="Bonjour {Prenom}, merci de votre confiance.")
    in_lunch_break(page, "agent1@demo-sarl.cm", "Demo-2026!")
    campaign = create_campaign(sup, config)
    launch_campaign(sup, campaign.id)

    def interactions() -> list[Interaction]:
        with tenant_session(sup) as session:
            return list(session.execute(select(Interaction).where(
                Interaction.campaign_id == campaign.id).order_by(Interaction.id)).scalars())
    try:
        page.get_by_test_id("agent-ready").click()                 # the dialer takes over
        for _ in CODES:                                            # the two answered calls, in the dialer's order
            expect(page.get_by_test_id("call-phase")).to_have_text("Post-appel : qualifiez l'appel",
                                                                   timeout=60_000)
            name = page.get_by_test_id("pop-contact-name").inner_text()
            page.get_by_test_id("call-code").click()
            page.get_by_role("option", name=CODES[name]).click()
            page.get_by_test_id("call-validate").click()
            expect(page.get_by_test_id("agent-status")).not_to_have_text("Post-appel")
        wait_until(lambda: len(rows := interactions()) == 2 * len(CONTACTS)
                   and all(r.status in SETTLED[r.channel] for r in rows),
                   timeout=90, what="every call over and every SMS delivered")
    finally:
        free_agent_after(sup, helene, campaign.id)               # archived: its data stays readable
    rows = interactions()
    by_phone, by_id = {(r.channel, r.address): r for r in rows}, {r.id for r in rows}
    assert by_phone["VOIX", "+33612345611"].qualification == "VENTE"
    assert by_phone["VOIX", "+33612345614"].outcome and not by_phone["VOIX", "+33612345614"].answered_at
    assert by_phone["VOIX", "+33612345615"].status == "FAILED"
    assert by_phone["SMS", "+33612345611"].body == "Bonjour Armel, merci de votre confiance."
    figures = expected_figures(rows, CONTACTS)
    sale = by_phone["VOIX", "+33612345611"]

    board = new_page()
    log_in_and_land(board, "superviseur@demo-sarl.cm", "Demo-2026!", "/supervision")
    board.goto(f"/campagnes/rapports?id={campaign.id}")
    expect(board.get_by_test_id("report-campaign")).to_have_text("Journée de production")
    board.get_by_test_id("period").get_by_text("7 jours", exact=True).first.click()   # whatever the hour in Douala
    for key, value in figures.items():
        expect(board.get_by_test_id(f"fig-{key}")).to_have_text(value)
    expect(board.get_by_test_id("chart-hours").locator(".recharts-bar-rectangle").first).to_be_visible()
    expect(board.get_by_test_id("journal-total")).to_contain_text(str(len(rows)))

    board.get_by_test_id("filter-agent").click()
    board.get_by_role("option", name=find_user("agent1@demo-sarl.cm").full_name, exact=True).click()
    board.get_by_test_id("filter-code").click()
    board.get_by_role("option", name="VENTE", exact=True).click()
    expect(board.get_by_test_id("journal-row")).to_have_count(1)
    expect(board.get_by_test_id("journal-row")).to_contain_text("Armel")
    played = board.get_by_test_id("journal-recording").evaluate("""audio => new Promise((ok, ko) => {
        audio.addEventListener('playing', () => ok(audio.duration), {once: true});
        audio.addEventListener('error', () => ko(new Error('audio error ' + audio.error.code)), {once: true});
        audio.muted = true; audio.preload = 'auto'; audio.play().catch(ko); })""")
    assert abs(played - seconds(sale.ended_at, sale.answered_at)) < 3

    pdf = board.request.get(board.get_by_test_id("synthesis-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split()
    flat = " ".join(words)
    assert "Journée de production" in flat
    for label, key in (("Volume", "volume"), ("Appels", "calls"), ("Messages", "messages"),
                       ("Taux de joignabilité", "reached"), ("Taux de succès", "success")):
        assert re.search(rf"{label} {re.escape(figures[key])}(\s|$)", flat), (label, figures[key])
    assert re.search(r"VENTE 1 ", flat) and re.search(r"REFUS 1 ", flat)

    box = f"direction-{uuid.uuid4().hex[:6]}@exemple.cm"           # the same synthesis, emailed on demand
    board.get_by_test_id("schedule-recipients").fill(box)
    board.get_by_test_id("schedule-now").click()
    mail = wait_for_message(product.sandbox_url, box)
    assert mail["subject"].startswith("Synthèse Journée de production — du ")
    assert [a["type"] for a in mail["attachments"]] == ["application/pdf"]

    busy = by_phone["VOIX", "+33612345614"]                        # « occupé » goes back to the campaign
    board.get_by_test_id("recycle-busy").click()
    expect(board.get_by_test_id("recycle-preview")).to_contain_text("1 contact")
    board.get_by_test_id("recycle-run").click()
    board.get_by_test_id("recycle-confirm").click()
    expect(board.get_by_test_id("recycle-preview")).to_contain_text("0 contact")
    assert [(r.contact_id, r.channel, r.step) for r in interactions() if r.id not in by_id] == [
        (busy.contact_id, "VOIX", 1)]

    board.get_by_test_id("open-export").click()                   # the filtered rows, chosen columns
    for label in ("Message", "Enregistrement (s)"):
        board.get_by_role("checkbox", name=label, exact=True).click()
    board.get_by_test_id("export-xlsx").click()
    board.get_by_test_id("export-start").click()
    link = board.get_by_test_id("export-download")
    expect(link).to_be_visible()
    sheet = load_workbook(io.BytesIO(board.request.get(link.get_attribute("href")).body()),
                          read_only=True).active
    header, *lines = list(sheet.iter_rows(values_only=True))
    assert "Message" not in header and "Enregistrement (s)" not in header and "Agent" in header
    assert [(line[header.index("Contact")], line[header.index("Qualification")]) for line in lines] == [
        ("Kamga Armel", "VENTE")]
