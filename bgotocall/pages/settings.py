"""Paramètres (admin): company profile, phone numbers (DIDs), SIP trunk, operating settings, messaging
(email provider, STOP confirmation) and the tenant's supervisors, one tab each."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import field, submit_button
from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.enrolment_parts import enroll_dialog, remove_dialog
from bgotocall.state.settings import SupervisorsState as S
from bgotocall.state.tenant_settings import TenantSettingsState as T
from services.voice.phone_numbers import CODECS


def _row(person) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(person.full_name, weight="medium")),
        rx.table.cell(person.email),
        rx.table.cell(rx.code(person.extension)),
        rx.table.cell(rx.button(rx.icon("trash-2", size=14), t("voice.delete"), size="1", variant="soft",
                                color_scheme="red", on_click=S.ask_remove(person.user_id, person.full_name),
                                data_testid="delete-supervisor")),
        data_testid="supervisor-row")


def _supervisors() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"sup.people.col.{c}"))
                                       for c in ("name", "email", "extension", "actions")])),
        rx.table.body(rx.foreach(S.supervisors, _row)), variant="surface", width="100%",
        data_testid="supervisors-table")
    return rx.vstack(
        rx.hstack(rx.vstack(rx.heading(t("sup.people.title"), size="4"),
                            rx.text(t("sup.people.context"), size="2", color=rx.color("gray", 11)), spacing="1"),
                  rx.spacer(), enroll_dialog(S, "sup.people", "supervisor"), width="100%", align="end"),
        rx.cond(S.supervisors.length() > 0, table, empty_state("user-cog", "sup.people.empty")),
        spacing="3", width="100%")


def _section(title: str, help_key: str, *children, on_submit, test_id: str) -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading(t(title), size="4"),
        rx.text(t(help_key), size="2", color=rx.color("gray", 11)),
        *children,
        submit_button(t("set.save"), data_testid=f"{test_id}-save"),
        spacing="3", width="100%"), on_submit=on_submit, reset_on_submit=False),
        width="100%", data_testid=test_id)


def _company() -> rx.Component:
    c = T.company
    f = lambda key, required=True: field(t(f"set.{key}"), key, T.errors, value=c[key],  # noqa: E731
                                         required=required)
    return _section("set.company.title", "set.company.help",
                    f("legal_name"), f("address"),
                    rx.grid(f("city"), f("niu", False), f("rccm", False), f("vat_number", False),
                            columns="2", spacing="3", width="100%"),
                    on_submit=T.save_company, test_id="company-form")


def _operations() -> rx.Component:
    o = T.operations
    return _section("set.ops.title", "set.ops.help",
                    rx.grid(field(t("set.timezone"), "timezone", T.errors, value=o["timezone"],
                                  list="timezones"),
                            field(t("set.country"), "default_country", T.errors,
                                  value=o["default_country"], max_length=2),
                            field(t("set.wrapup"), "max_wrapup_seconds", T.errors,
                                  value=o["max_wrapup_seconds"], inputmode="numeric"),
                            field(t("set.retention"), "recording_retention_days", T.errors,
                                  value=o["recording_retention_days"], inputmode="numeric"),
                            columns="2", spacing="3", width="100%"),
                    field(t("set.pause_reasons"), "pause_reasons", T.errors, value=o["pause_reasons"],
                          textarea=True, rows="5"),
                    _timezones(),
                    on_submit=T.save_operations, test_id="operations-form")


def _messaging() -> rx.Component:
    provider = rx.radio_group.root(
        rx.vstack(*[rx.el.label(rx.hstack(rx.radio_group.item(value=key, data_testid=f"provider-{key}"),
                                          rx.text(t(f"set.msg.{key}"), size="2"), spacing="2", align="center"))
                    for key in ("sendgrid", "smtp")], spacing="2"),
        name="email_provider", default_value=T.messaging["email_provider"],
        key=T.messaging["email_provider"])
    return _section("set.msg.title", "set.msg.help",
                    rx.vstack(rx.text(t("set.msg.provider"), size="2", weight="medium"), provider,
                              rx.cond(T.errors.contains("email_provider"),
                                      rx.text(T.errors["email_provider"], color=rx.color("red", 11),
                                              size="1", data_testid="error-email_provider")),
                              spacing="1"),
                    rx.el.label(rx.hstack(
                        rx.checkbox(name="stop_confirmation",
                                    default_checked=T.messaging["stop_confirmation"] == "1",
                                    key=T.messaging["stop_confirmation"], data_testid="stop-confirmation"),
                        rx.text(t("set.msg.stop"), size="2"), spacing="2", align="center")),
                    on_submit=T.save_messaging, test_id="messaging-form")


def _timezones() -> rx.Component:
    from zoneinfo import available_timezones

    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return rx.el.datalist(*[rx.el.option(value=z) for z in zones], id="timezones")


def _trunk() -> rx.Component:
    tr = T.trunk
    codecs = rx.hstack(*[rx.el.label(rx.hstack(
        rx.checkbox(name=f"codec_{c}", default_checked=T.trunk_codecs.contains(c),
                    key=T.trunk_codecs.to_string() + c, data_testid=f"codec-{c}"),
        rx.text(c, size="2"), spacing="1", align="center")) for c in CODECS], spacing="4", wrap="wrap")
    return _section("set.trunk.title", "set.trunk.help",
                    rx.grid(field(t("set.host"), "host", T.errors, value=tr["host"],
                                  placeholder="sip.operateur.cm"),
                            field(t("set.port"), "port", T.errors, value=tr["port"], inputmode="numeric"),
                            field(t("set.username"), "username", T.errors, value=tr["username"],
                                  prefix="trunk-"),
                            field(t("set.password"), "password", T.errors, type="password",
                                  required=False, auto_complete="new-password", prefix="trunk-"),
                            columns="2", spacing="3", width="100%"),
                    rx.vstack(rx.text(t("set.codecs"), size="2", weight="medium"), codecs,
                              rx.cond(T.errors.contains("codecs"),
                                      rx.text(T.errors["codecs"], color=rx.color("red", 11), size="1",
                                              data_testid="error-codecs")), spacing="1"),
                    on_submit=T.save_trunk, test_id="trunk-form")


def _number_row(n) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(n.number)), rx.table.cell(n.label), rx.table.cell(n.caller_id_names),
        rx.table.cell(n.route_name),
        rx.table.cell(rx.button(rx.icon("trash-2", size=14), t("set.delete"), size="1", variant="soft",
                                color_scheme="red", on_click=T.ask_delete(n.id, n.number),
                                data_testid="delete-number")),
        data_testid="number-row")


def _number_dialog() -> rx.Component:
    campaigns = rx.foreach(T.campaigns, lambda c: rx.el.label(rx.hstack(
        rx.checkbox(name="caller_id_" + c[0]), rx.text(c[1], size="2"), spacing="1", align="center")))
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=14), t("set.numbers.add"), data_testid="new-number")),
        rx.dialog.content(
            rx.dialog.title(t("set.numbers.add")),
            rx.form(rx.vstack(
                field(t("set.number"), "number", T.errors, placeholder="+237 6 99 00 00 01",
                      prefix="did-"),
                field(t("set.label"), "label", T.errors, placeholder="Service client", prefix="did-"),
                rx.vstack(rx.text(t("set.caller_id"), size="2", weight="medium"),
                          rx.hstack(campaigns, spacing="3", wrap="wrap"), spacing="1"),
                rx.vstack(rx.text(t("set.route"), as_="label", html_for="did-route", size="2", weight="medium"),
                          rx.el.select(rx.el.option(t("set.route.ivr"), value="0"),
                                       rx.foreach(T.campaigns, lambda c: rx.el.option(c[1], value=c[0])),
                                       id="did-route", name="route_campaign_id",
                                       style={"padding": "6px", "borderRadius": "6px",
                                              "border": "1px solid var(--gray-7)"}),
                          spacing="1", width="100%"),
                rx.hstack(rx.dialog.close(rx.button(t("set.cancel"), variant="soft", color_scheme="gray",
                                                    type="button")),
                          submit_button(t("set.save"), data_testid="number-save"),
                          justify="end", width="100%"),
                spacing="3", width="100%"), on_submit=T.add_number, reset_on_submit=False),
            max_width="520px"),
        open=T.number_open, on_open_change=T.open_number)


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title(t("set.delete.title"), " ", T.deleting_number),
        rx.alert_dialog.description(t("set.delete.text")),
        rx.hstack(rx.alert_dialog.cancel(rx.button(t("set.cancel"), variant="soft", color_scheme="gray")),
                  rx.alert_dialog.action(rx.button(t("set.delete"), color_scheme="red",
                                                   on_click=T.confirm_delete,
                                                   data_testid="confirm-delete-number")),
                  spacing="3", justify="end", margin_top="1rem")),
        open=T.deleting_id > 0, on_open_change=T.cancel_delete)


def _numbers() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"set.col.{c}"))
                                       for c in ("number", "label", "caller_id", "route", "actions")])),
        rx.table.body(rx.foreach(T.numbers, _number_row)), variant="surface", width="100%",
        data_testid="numbers-table")
    return rx.vstack(
        rx.hstack(rx.vstack(rx.heading(t("set.numbers.title"), size="4"),
                            rx.text(t("set.numbers.help"), size="2", color=rx.color("gray", 11)), spacing="1"),
                  rx.spacer(), _number_dialog(), width="100%", align="end"),
        rx.cond(T.numbers.length() > 0, table, empty_state("phone", "set.numbers.empty")),
        _delete_dialog(), spacing="3", width="100%")


TABS = [("company", _company), ("numbers", _numbers), ("trunk", _trunk),
        ("operations", _operations), ("messaging", _messaging), ("supervisors", _supervisors)]


def settings_page() -> rx.Component:
    tabs = rx.tabs.root(
        rx.tabs.list(*[rx.tabs.trigger(t(f"set.tab.{key}"), value=key, data_testid=f"tab-{key}")
                       for key, _ in TABS]),
        *[rx.tabs.content(part(), value=key, padding_top="1rem") for key, part in TABS],
        value=T.tab, on_change=T.set_tab, width="100%")
    return role_shell(page_header("nav.settings", "settings.context"), tabs, remove_dialog(S, "sup.people"))
