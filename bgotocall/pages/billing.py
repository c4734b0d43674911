"""Facturation (Smart Wallet, top-up, fiscal details), Documents, and the tenants console."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.paging import page_nav
from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.state.billing import BillingState, TenantsConsoleState
from bgotocall.state.checkout import CheckoutState
from bgotocall.components.forms import submit_button
from bgotocall.pages.plan import plan_card


def _labelled(label_key: str, name: str, value, required: bool = True, **props) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), " *" if required else "", as_="label", html_for=name, size="2",
                weight="medium"),
        rx.input(id=name, name=name, default_value=value, width="100%", **props),
        rx.cond(BillingState.errors.contains(name),
                rx.text(BillingState.errors[name], color=rx.color("red", 11), size="1",
                        data_testid=f"error-{name}")),
        spacing="1", width="100%")


def _fiscal_form() -> rx.Component:
    p = BillingState.profile
    return rx.card(rx.form(rx.vstack(
        rx.heading(t("billing.fiscal"), size="4"),
        rx.cond(BillingState.profile_missing,
                rx.callout(t("billing.fiscal_missing"), icon="info", data_testid="fiscal-missing")),
        _labelled("billing.legal_name", "legal_name", p["legal_name"], key=p["legal_name"]),
        _labelled("billing.address", "address", p["address"], key=p["address"]),
        rx.hstack(_labelled("billing.city", "city", p["city"], key=p["city"]),
                  _labelled("billing.vat_number", "vat_number", p["vat_number"], required=False,
                            key=p["vat_number"]), width="100%", spacing="4"),
        submit_button(t("billing.save")),
        spacing="3", width="100%"), on_submit=BillingState.save_profile, reset_on_submit=False),
        width="100%")


def _threshold_form() -> rx.Component:
    return rx.form(rx.hstack(
        rx.vstack(
            rx.text(t("wallet.threshold"), as_="label", html_for="threshold", size="2", weight="medium"),
            rx.input(id="threshold", name="threshold", default_value=BillingState.threshold,
                     key=BillingState.threshold, width="100%", inputmode="decimal"),
            rx.cond(BillingState.errors.contains("threshold"),
                    rx.text(BillingState.errors["threshold"], color=rx.color("red", 11), size="1",
                            data_testid="error-threshold"),
                    rx.text(t("wallet.threshold.help"), color=rx.color("gray", 10), size="1")),
            spacing="1", width="100%"),
        submit_button(t("wallet.save_threshold"), variant="soft", margin_top="24px", data_testid="save-threshold"),
        align="start", width="100%", spacing="3"), on_submit=BillingState.save_threshold, reset_on_submit=False)


def _movement_row(m) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m.date), rx.table.cell(m.label),
        rx.table.cell(rx.cond(m.quantity > 0, m.quantity, "—")),
        rx.table.cell(rx.text(m.amount, color=rx.cond(m.credit, rx.color("green", 11), rx.color("gray", 12)),
                              weight="medium"), text_align="right"),
        rx.table.cell(m.balance_after, text_align="right"),
        data_testid="movement-row")


def _movements() -> rx.Component:
    s = BillingState
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k), text_align=align) for k, align in (
            ("wallet.col.date", "left"), ("wallet.col.label", "left"), ("wallet.col.quantity", "left"),
            ("wallet.col.amount", "right"), ("wallet.col.balance", "right"))])),
        rx.table.body(rx.foreach(s.movements, _movement_row)), variant="ghost", width="100%",
        data_testid="movements-table")
    return rx.card(rx.vstack(
        rx.heading(t("wallet.history"), size="4"),
        rx.cond(s.movements.length() > 0, rx.fragment(table, rx.cond(s.last_page > 0, page_nav(s, "movements-pager"))),
                rx.text(t("wallet.no_entries"), color=rx.color("gray", 11), size="2")),
        spacing="3", width="100%"), width="100%")


def _topup_return() -> rx.Component:
    """Back from the payment page of a top-up: its outcome, then the balance it gave."""
    c = CheckoutState
    return rx.cond(c.payment_id != 0, rx.cond(
        c.status == "succeeded",
        rx.callout(rx.hstack(rx.text(t("wallet.topup_done")), rx.text(c.balance, weight="bold")),
                   icon="circle-check", color_scheme="green", data_testid="topup-confirmed"),
        rx.cond((c.status == "failed") | c.cancelled,
                rx.callout(rx.cond(c.failure_message != "", c.failure_message, t("pay.cancelled")),
                           icon="triangle-alert", color_scheme="red", data_testid="payment-failure"),
                rx.callout(t("pay.waiting"), icon="loader", data_testid="waiting"))))


def billing_page() -> rx.Component:
    wallet = rx.card(rx.vstack(
        rx.hstack(rx.icon("wallet", color=rx.color("indigo", 9)),
                  rx.heading(t("wallet.title"), size="4"), align="center"),
        rx.text(BillingState.balance, size="8", weight="bold", data_testid="wallet-balance"),
        rx.form(rx.hstack(
            _labelled("wallet.amount", "amount", "", type="text", placeholder="50000"),
            submit_button(rx.icon("credit-card", size=16), t("wallet.topup")),
            align="end", width="100%", spacing="3"), on_submit=BillingState.top_up,
            reset_on_submit=False),
        rx.divider(),
        _threshold_form(),
        spacing="3", width="100%"), width="100%")
    return role_shell(page_header("nav.billing", "billing.context"), _topup_return(), wallet, plan_card(), _movements(),
                      _fiscal_form())


def documents_page() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "docs.number", "docs.kind", "docs.date", "docs.period", "docs.vat", "docs.total")],
            rx.table.column_header_cell(""))),
        rx.table.body(rx.foreach(BillingState.invoices, lambda i: rx.table.row(
            rx.table.cell(i.number), rx.table.cell(i.kind), rx.table.cell(i.issued_on),
            rx.table.cell(i.period), rx.table.cell(i.vat_label), rx.table.cell(i.total),
            rx.table.cell(rx.link(rx.icon("download", size=16), t("docs.download"),
                                  href=f"/api/billing/invoices/{i.id}.pdf", is_external=True))))),
        variant="surface", width="100%", data_testid="invoices-table")
    return role_shell(page_header("nav.documents", "documents.context"),
                      rx.cond(BillingState.profile_missing,
                              rx.callout(t("billing.fiscal_missing"), icon="info",
                                         data_testid="fiscal-missing")),
                      rx.cond(BillingState.invoices.length() > 0, table,
                              empty_state("file-text", "docs.empty")),
                      _fiscal_form())


def _status_action(row) -> rx.Component:
    suspend = rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(t("sa.suspend"), color_scheme="red", variant="soft",
                                          size="1", data_testid="suspend")),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("sa.suspend"), " — ", row.name),
            rx.alert_dialog.description(t("sa.suspend_confirm")),
            rx.hstack(rx.alert_dialog.cancel(rx.button(t("sa.cancel"), variant="soft",
                                                       color_scheme="gray")),
                      rx.alert_dialog.action(rx.button(
                          t("sa.suspend"), color_scheme="red", data_testid="confirm-suspend",
                          on_click=TenantsConsoleState.change_status(row.id, True))),
                      spacing="3", justify="end", margin_top="1rem")))
    resume = rx.button(t("sa.resume"), size="1", variant="soft",
                       on_click=TenantsConsoleState.change_status(row.id, False))
    return rx.match(row.status, ("ACTIVE", suspend), ("SUSPENDED", resume), rx.fragment())


def tenants_page() -> rx.Component:
    s = TenantsConsoleState
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "sa.name", "sa.status", "sa.plan", "sa.balance", "sa.usage", "sa.actions")])),
        rx.table.body(rx.foreach(s.rows, lambda r: rx.table.row(
            rx.table.cell(rx.vstack(rx.text(r.name, weight="medium"),
                                    rx.text(r.slug, size="1", color=rx.color("gray", 10)),
                                    spacing="0")),
            rx.table.cell(rx.badge(rx.match(
                r.status, *[(k, t(f"sa.tenant_status.{k}"))
                            for k in ("ACTIVE", "SUSPENDED", "PENDING_PAYMENT")], r.status),
                color_scheme=rx.match(
                r.status, ("ACTIVE", "green"), ("SUSPENDED", "red"), "orange"))),
            rx.table.cell(r.plan), rx.table.cell(r.balance), rx.table.cell(r.usage),
            rx.table.cell(_status_action(r))))),
        variant="surface", width="100%", data_testid="tenants-table")
    return role_shell(
        page_header("nav.tenants", "tenants.context"),
        rx.input(placeholder=t("sa.search"), value=s.search, on_change=s.set_search,
                 width="320px", data_testid="tenant-search"),
        rx.cond(s.rows.length() > 0, table, empty_state("building-2", "sa.empty")),
        page_nav(s, "tenants-pager"))
