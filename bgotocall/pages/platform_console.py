"""Super admin console: the platform home with its switches, the price list, provisioning."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import field, submit_button
from bgotocall.components.paging import page_nav
from bgotocall.components.stats import stat_card
from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.state.platform_console import (
    PlatformHomeState, PlatformOptionsState, PricesState, ProvisioningState, SellerState,
)
from services.billing.money import CURRENCIES
from services.billing.prices import ITEMS
from services.onboarding.options import FREE_MAIL, PRIVATE_DB_SOURCES

SWITCH_LABELS = {FREE_MAIL: "sa.free_mail", PRIVATE_DB_SOURCES: "sa.private_sources"}


def _switch(key: str) -> rx.Component:
    test_id = key.split(".")[0]
    return rx.hstack(
        rx.vstack(rx.text(t(SWITCH_LABELS[key]), weight="medium", size="2"),
                  rx.text(t(SWITCH_LABELS[key] + "_hint"), size="1", color=rx.color("gray", 11)),
                  spacing="1"),
        rx.spacer(),
        rx.switch(checked=PlatformOptionsState.switches[key],
                  on_change=lambda on: PlatformOptionsState.toggle(key, on),
                  data_testid=f"switch-{test_id}"),
        width="100%", align="center")


def options_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("sliders-horizontal", color=rx.color("indigo", 9)),
                  rx.heading(t("sa.options"), size="4"), align="center"),
        *[_switch(key) for key in SWITCH_LABELS],
        spacing="4", width="100%"), width="100%", data_testid="platform-options")


def _overview() -> rx.Component:
    h = PlatformHomeState
    signups = rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key="label"), rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.graphing_tooltip(),
        rx.recharts.bar(data_key="tenants", name=t("sa.home.signups_bar"), fill="#3e63dd", max_bar_size=48,
                        is_animation_active=False),
        data=h.signups, width="100%", height=220)
    return rx.vstack(
        rx.grid(
            stat_card("building-2", "sa.home.active", h.tenants["ACTIVE"], "kpi-active", "/plateforme/instances"),
            stat_card("clock", "sa.home.pending", h.tenants["PENDING_PAYMENT"], "kpi-pending", "/plateforme/instances"),
            stat_card("ban", "sa.home.suspended", h.tenants["SUSPENDED"], "kpi-suspended", "/plateforme/instances"),
            stat_card("server-crash", "sa.home.failed", h.failed_provisioning, "kpi-failed",
                 "/plateforme/provisionnement?echecs=1", alert=h.failed_provisioning > 0),
            stat_card("wallet", "sa.home.low_balance", h.low_balance, "kpi-low-balance", "/plateforme/instances",
                 alert=h.low_balance > 0),
            columns="5", spacing="3", width="100%"),
        rx.grid(
            rx.card(rx.vstack(rx.text(t("sa.home.signups"), weight="medium"), signups, width="100%"),
                    width="100%", data_testid="signups-chart"),
            rx.card(rx.vstack(
                rx.text(t("sa.home.topups"), weight="medium"),
                rx.cond(h.topups.length() > 0,
                        rx.foreach(h.topups, lambda a: rx.text(a, size="6", weight="bold")),
                        rx.text(t("sa.home.no_topups"), color=rx.color("gray", 11), size="2")),
                spacing="2", data_testid="topups-month"), width="100%"),
            columns="2", spacing="3", width="100%"),
        spacing="3", width="100%")


def seller_card() -> rx.Component:
    """The seller's legal mentions printed on every invoice (no placeholder is ever printed)."""
    s = SellerState
    value = lambda k: field(t(f"sa.seller.{k}"), k, s.errors, value=s.seller[k],  # noqa: E731
                            required=k not in ("vat_number", "email"), prefix="seller-")
    return rx.card(rx.form(rx.vstack(
        rx.hstack(rx.icon("scale", color=rx.color("indigo", 9)),
                  rx.heading(t("sa.seller"), size="4"), align="center"),
        rx.cond(s.missing != "", rx.callout(rx.text(t("sa.seller_missing"), " ", s.missing),
                                            icon="triangle-alert", color_scheme="orange",
                                            data_testid="seller-missing")),
        rx.grid(*[value(k) for k in ("name", "address", "niu", "rccm", "vat_number", "email")],
                columns="2", spacing="3", width="100%"),
        submit_button(t("set.save"), data_testid="seller-save"),
        spacing="3", width="100%"), on_submit=s.save, reset_on_submit=False),
        width="100%", data_testid="seller-card")


def platform_home() -> rx.Component:
    return role_shell(page_header("nav.platform", "platform.context"), _overview(), options_card(),
                      seller_card())


def _price_field(currency: str, item: str) -> rx.Component:
    field_id = f"price-{currency}-{item}"
    error = PricesState.errors[currency][item]
    return rx.vstack(
        rx.text(t(f"sa.item.{item}"), " *", as_="label", html_for=field_id, size="2",
                weight="medium"),
        rx.input(id=field_id, name=item, default_value=PricesState.grid[currency][item],
                 key=PricesState.grid[currency][item], inputmode="decimal", width="100%"),
        rx.cond(error, rx.text(error, color=rx.color("red", 11), size="1",
                               data_testid=f"error-{field_id}")),
        spacing="1", width="100%")


def _currency_card(currency: str) -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.hstack(rx.heading(currency, size="4"), rx.spacer(),
                  rx.text(t("sa.price_unit_" + ("whole" if currency in ("XAF", "XOF")
                                                  else "cents")),
                          size="1", color=rx.color("gray", 11))),
        rx.grid(*[_price_field(currency, item) for item in ITEMS], columns="3", spacing="3",
                width="100%"),
        rx.hstack(submit_button(t("sa.save"), data_testid=f"save-prices-{currency}"),
                  justify="end", width="100%"),
        spacing="3", width="100%"),
        on_submit=lambda form: PricesState.save(currency, form), reset_on_submit=False),
        width="100%")


def _destination_error(key: str) -> rx.Component:
    error = PricesState.destination_errors[key]
    return rx.cond(error, rx.text(error, color=rx.color("red", 11), size="1", data_testid=f"error-destination-{key}"))


def _destinations_card() -> rx.Component:
    """Voice minute per destination (services/billing/destinations.py): the most precise line rates a call."""
    return rx.card(rx.vstack(
        rx.heading(t("sa.destinations"), size="4"),
        rx.text(t("sa.destinations.help"), size="2", color=rx.color("gray", 11)),
        rx.form(rx.hstack(
            rx.vstack(rx.text(t("sa.destinations.currency"), size="2"), rx.select(
                list(CURRENCIES), name="currency", default_value=CURRENCIES[0]), spacing="1"),
            rx.vstack(rx.text(t("sa.destinations.country"), size="2"),
                      rx.input(name="country", placeholder="CM", max_length=2, id="destination-country"),
                      _destination_error("country"), spacing="1"),
            rx.vstack(rx.text(t("sa.destinations.kind"), size="2"), rx.select.root(
                rx.select.trigger(), rx.select.content(
                    rx.select.item(t("sa.destinations.all"), value="all"),
                    rx.select.item(t("sa.destinations.mobile"), value="mobile"),
                    rx.select.item(t("sa.destinations.fixed"), value="fixed")),
                name="kind", default_value="all"), _destination_error("kind"), spacing="1"),
            rx.vstack(rx.text(t("sa.destinations.amount"), size="2"),
                      rx.input(name="amount", inputmode="decimal", id="destination-amount"),
                      _destination_error("amount"), spacing="1"),
            submit_button(t("sa.save"), data_testid="save-destination"),
            align="end", spacing="3", wrap="wrap"),
            on_submit=PricesState.save_destination, reset_on_submit=False),
        rx.cond(PricesState.destinations.length() > 0, rx.table.root(rx.table.body(rx.foreach(
            PricesState.destinations, lambda d: rx.table.row(
                rx.table.cell(d.currency), rx.table.cell(d.label), rx.table.cell(d.amount),
                rx.table.cell(rx.button(t("sa.destinations.remove"), size="1", variant="soft", color_scheme="red",
                                        on_click=PricesState.remove_destination(d.currency, d.item)))))),
                width="100%"),
                rx.text(t("sa.destinations.empty"), size="2", color=rx.color("gray", 10))),
        spacing="3", width="100%"), width="100%")


def prices_page() -> rx.Component:
    return role_shell(page_header("nav.prices", "prices.context"),
                      *[_currency_card(c) for c in CURRENCIES], _destinations_card())


def _step_row(step) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(step.tenant, weight="medium"),
                                rx.text(step.slug, size="1", color=rx.color("gray", 10)),
                                spacing="0")),
        rx.table.cell(step.label),
        rx.table.cell(rx.badge(rx.match(step.status, ("done", t("sa.step_done")),
                                        ("failed", t("sa.step_failed")), t("sa.step_pending")),
                               color_scheme=rx.match(step.status, ("done", "green"),
                                                     ("failed", "red"), "gray"))),
        rx.table.cell(step.attempts),
        rx.table.cell(rx.text(step.detail, size="1", color=rx.color("gray", 11))),
        rx.table.cell(step.updated),
        rx.table.cell(rx.cond(step.status == "failed", rx.button(
            rx.icon("rotate-ccw", size=14), t("sa.retry"), size="1", variant="soft",
            on_click=ProvisioningState.retry(step.tenant_id),
            data_testid=f"retry-{step.slug}"))))


def provisioning_page() -> rx.Component:
    s = ProvisioningState
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
            "sa.name", "sa.step", "sa.status", "sa.attempts", "sa.detail", "sa.updated",
            "sa.actions")])),
        rx.table.body(rx.foreach(s.steps, _step_row)),
        variant="surface", width="100%", data_testid="provisioning-table")
    filtered = (s.search != "") | s.failed_only
    return role_shell(
        page_header("nav.provisioning", "provisioning.context",
                    rx.button(rx.icon("refresh-cw", size=16), t("sa.refresh"), variant="soft",
                              on_click=s.load)),
        rx.hstack(rx.input(placeholder=t("sa.search"), value=s.search, on_change=s.set_search,
                           width="320px", data_testid="provisioning-search"),
                  rx.el.label(rx.hstack(rx.switch(checked=s.failed_only, on_change=s.set_failed_only,
                                                    data_testid="failed-only"),
                                          rx.text(t("sa.failed_only"), size="2"), spacing="2", align="center")),
                  spacing="4", align="center"),
        rx.cond(s.steps.length() > 0, table,
                rx.cond(filtered, empty_state("search-x", "sa.no_steps_found"),
                        empty_state("server-cog", "sa.no_steps"))),
        rx.cond(s.total > 0, page_nav(s, "provisioning-pager")))
