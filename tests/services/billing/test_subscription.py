"""Buying more licences and channels from Facturation: prorata, wallet or card, effective at once,
on the next invoice; a reduction waits for next month."""
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from services.billing.money import format_money
from services.billing.invoices import invoice_pdf, issue_monthly_invoice
from services.billing.subscription import (
    PlanError, apply_scheduled_reductions, change_plan_from_wallet, current_plan, price_change,
    prorated_amount, start_plan_checkout,
)
from services.billing.wallet import InsufficientBalance, credit_wallet, ledger_sum, open_wallet, wallet_of
from services.db.engine import platform_session
from services.identity.access import AccessDenied
from services.models.columns import utcnow
from services.models.platform import Role
from services.voice.agents import NoLicenceLeft, enroll_agent
from services.voice.licences import grant_licences, licensed_agents
from tests.support.accounts import context_for, new_tenant


def _text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def _spaced(text: str) -> str:
    """The PDF's text extraction loses the narrow no-break space of French amounts."""
    return text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")


@pytest.fixture
def admin():
    tenant = new_tenant()
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    grant_licences(tenant.id, 1)
    return context_for(tenant, Role.ADMIN)


def _enroll(ctx, n: int):
    return enroll_agent(ctx, "Ngono", f"Aline{n}", f"a.ngono{n}", f"a{n}-{ctx.tenant_slug}@example-corp.cm")


def test_the_prorata_counts_the_days_left_today_included_rounded_up():
    assert prorated_amount(2, 15000, date(2026, 12, 17)) == (14517, 15, 31)   # 2 x 15000 x 15/31
    assert prorated_amount(1, 15000, date(2026, 2, 1)) == (15000, 28, 28)
    assert prorated_amount(0, 15000, date(2026, 2, 10))[0] == 0


def test_two_licences_bought_from_the_wallet_let_the_refused_enrolment_through_and_are_invoiced(admin):
    _enroll(admin, 1)
    with pytest.raises(NoLicenceLeft):
        _enroll(admin, 2)
    credit_wallet(admin.tenant_id, 100_000)
    change = change_plan_from_wallet(admin, 3, ["voice"])
    amount, _, _ = prorated_amount(2, 15000, utcnow().date())
    assert (change.added_agents, change.amount) == (2, amount)
    assert licensed_agents(admin.tenant_id) == 3
    assert wallet_of(admin.tenant_id).balance == 100_000 - amount == ledger_sum(admin.tenant_id)
    _enroll(admin, 2)

    today = utcnow().date()
    invoice = issue_monthly_invoice(admin.tenant_id, today.year, today.month)
    line = next(x for x in invoice.lines if x["label"] == "Licences agent supplémentaires (prorata)")
    assert (line["quantity"], line["amount"]) == (2, amount)
    text = _text(invoice_pdf(admin, invoice.id))
    assert "Licences agent supplémentaires (prorata)" in text
    assert _spaced(format_money(amount, "XAF")) in _spaced(text)


def test_a_change_confirmed_twice_is_paid_once(admin):
    credit_wallet(admin.tenant_id, 100_000)
    first, second = price_change(admin, 3, ["voice"]), price_change(admin, 3, ["voice"])
    from services.billing.subscription import apply_change
    with platform_session() as s:
        apply_change(s, admin.tenant_id, first, reference="plan:test:1")
    with pytest.raises(PlanError, match="vient de changer"), platform_session() as s:
        apply_change(s, admin.tenant_id, second, reference="plan:test:2")
    assert wallet_of(admin.tenant_id).balance == 100_000 - first.amount


def test_a_short_wallet_grants_nothing(admin):
    credit_wallet(admin.tenant_id, 1000)
    with pytest.raises(InsufficientBalance):
        change_plan_from_wallet(admin, 5, ["voice"])
    assert licensed_agents(admin.tenant_id) == 1
    assert wallet_of(admin.tenant_id).balance == 1000


def test_a_reduction_waits_for_next_month_and_never_goes_under_the_agents_in_use(admin):
    credit_wallet(admin.tenant_id, 100_000)
    change_plan_from_wallet(admin, 3, ["voice", "sms"])
    _enroll(admin, 1)
    _enroll(admin, 2)
    with pytest.raises(PlanError, match="2 agents actifs"):
        price_change(admin, 1, ["voice"])
    balance = wallet_of(admin.tenant_id).balance
    change = change_plan_from_wallet(admin, 2, ["voice"])
    assert change.amount == 0 and change.scheduled["agents"] == 2
    assert "À partir du 1er" in current_plan(admin).scheduled
    assert (licensed_agents(admin.tenant_id), wallet_of(admin.tenant_id).balance) == (3, balance)
    today = utcnow().date()
    assert apply_scheduled_reductions(today) >= 0 and licensed_agents(admin.tenant_id) == 3
    next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    assert apply_scheduled_reductions(next_month) >= 1
    plan = current_plan(admin)
    assert (plan.agents, plan.channels, plan.scheduled) == (2, ["voice"], "")


def test_validation_and_roles(admin):
    with pytest.raises(PlanError, match="entre 1 et"):
        price_change(admin, 0, ["voice"])
    with pytest.raises(PlanError, match="au moins un canal"):
        price_change(admin, 2, [])
    with pytest.raises(PlanError, match="Rien ne change"):
        price_change(admin, 1, ["voice"])
    supervisor = context_for(new_tenant(), Role.SUPERVISOR)
    with pytest.raises(AccessDenied):
        change_plan_from_wallet(supervisor, 3, ["voice"])


def test_licences_paid_by_card_on_the_stripe_twin_are_granted_once_and_detailed(admin, twin):
    from services.billing.invoices import list_invoices
    from services.billing.payments import list_payments, settle_payment
    from tests.support.waiting import wait_until

    url = start_plan_checkout(admin, 3, ["voice", "sms"])
    assert twin.pay(url, "4242 4242 4242 4242").status_code == 303
    wait_until(lambda: licensed_agents(admin.tenant_id) == 3, timeout=20)
    payment = list_payments(admin)[0]
    assert settle_payment(payment.id) == "succeeded"       # a second settlement grants nothing more
    assert current_plan(admin).channels == ["voice", "sms"]
    assert wallet_of(admin.tenant_id).balance == 0         # credited, then the prorata debited
    wait_until(lambda: any(i.kind == "Achat" for i in list_invoices(admin)), timeout=20)
