"""Below the campaign list: the WhatsApp template registry and the tenant's frequency caps."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.forms import submit_button
from bgotocall.i18n import t
from bgotocall.state.campaigns_templates import CampaignTemplatesState as R
from services.campaigns.presets import CAP_CHANNELS, PRESETS
from services.campaigns.whatsapp_templates import CATEGORIES

STATUS_COLORS = {"PENDING": "orange", "APPROVED": "green", "REJECTED": "red"}


def _labelled(key: str, control: rx.Component, required: bool = False) -> rx.Component:
    return rx.vstack(rx.text(t(key), rx.cond(required, rx.text.span(" *", color="red"), ""),
                             size="2", weight="medium"), control, spacing="1", width="100%")


def _template_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row.name)), rx.table.cell(row.language),
        rx.table.cell(row.category), rx.table.cell(rx.text(row.body, size="2")),
        rx.table.cell(rx.vstack(
            rx.match(row.status, *[(s, rx.badge(t(f"campaigns.wa.status.{s}"), color_scheme=c))
                                   for s, c in STATUS_COLORS.items()], rx.badge(row.status)),
            rx.cond(row.submitted & (row.status == "PENDING"),
                    rx.text(t("campaigns.wa.submitted"), size="1", color=rx.color("gray", 11))),
            rx.cond(row.reason != "", rx.text(row.reason, size="1", color=rx.color("red", 11))),
            spacing="1")),
        rx.table.cell(rx.cond(row.status == "PENDING", rx.hstack(
            rx.cond(~row.submitted, rx.button(
                t("campaigns.wa.submit"), size="1", variant="soft", on_click=R.submit(row.id),
                data_testid="wa-submit")),
            rx.button(t("campaigns.wa.approve"), size="1", variant="soft", color_scheme="green",
                      on_click=R.set_status(row.id, "APPROVED"), data_testid="wa-approve"),
            rx.button(t("campaigns.wa.reject"), size="1", variant="soft", color_scheme="red",
                      on_click=R.set_status(row.id, "REJECTED")), spacing="2"))),
        data_testid="wa-template-row")


def template_registry() -> rx.Component:
    form = rx.form(rx.vstack(
        rx.grid(
            _labelled("campaigns.wa.name", rx.input(name="name", id="wa-name", required=True,
                                                    placeholder="offre_noel"), True),
            _labelled("campaigns.wa.language", rx.input(name="language", default_value="fr",
                                                        required=True), True),
            _labelled("campaigns.wa.category", rx.select(list(CATEGORIES), name="category",
                                                         default_value="MARKETING")),
            columns="3", spacing="3", width="100%"),
        _labelled("campaigns.wa.body", rx.text_area(
            name="body", id="wa-body", required=True, rows="2", width="100%",
            placeholder="Bonjour {{1}}, votre offre {{2}} vous attend."), True),
        rx.cond(R.template_error != "", rx.text(R.template_error, color=rx.color("red", 11),
                                                size="2", data_testid="wa-error")),
        submit_button(rx.icon("plus", size=14), t("campaigns.wa.add"), data_testid="wa-add"),
        spacing="3", width="100%"), on_submit=R.add_template, reset_on_submit=False)
    return rx.card(rx.vstack(
        rx.heading(t("campaigns.wa.registry"), size="4"),
        rx.cond(R.templates.length() > 0, rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                "campaigns.wa.name", "campaigns.wa.language", "campaigns.wa.category",
                "campaigns.wa.body", "campaigns.col.status", "campaigns.col.actions")])),
            rx.table.body(rx.foreach(R.templates, _template_row)), width="100%",
            variant="surface")),
        form, spacing="3", width="100%"), width="100%", data_testid="wa-registry",
        on_mount=R.load_registry)


def frequency_caps_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(t("campaigns.caps"), size="4"),
        rx.text(t("campaigns.caps.help"), size="2", color=rx.color("gray", 11)),
        rx.cond(R.caps.length() > 0, rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                "campaigns.caps.channel", "campaigns.caps.max", "campaigns.caps.window",
                "campaigns.caps.cooldown", "campaigns.caps.source")])),
            rx.table.body(rx.foreach(R.caps, lambda c: rx.table.row(
                rx.table.cell(c.channel), rx.table.cell(c.max_contacts),
                rx.table.cell(c.window_days), rx.table.cell(c.cooldown),
                rx.table.cell(rx.text(c.source, size="1"))))),
            width="100%", variant="surface", data_testid="caps-table")),
        rx.hstack(rx.text(t("campaigns.preset"), size="2"), *[rx.button(
            t(f"campaigns.preset.{key}"), size="1", variant="soft", on_click=R.use_preset_caps(key))
            for key, p in PRESETS.items() if p.caps], spacing="2", align="center"),
        rx.form(rx.hstack(
            _labelled("campaigns.caps.channel", rx.select(list(CAP_CHANNELS), name="channel",
                                                          default_value="VOIX")),
            _labelled("campaigns.caps.max", rx.input(name="max_contacts", type="number",
                                                     min=1, required=True), True),
            _labelled("campaigns.caps.window", rx.input(name="window_days", type="number",
                                                        min=1, required=True), True),
            _labelled("campaigns.caps.cooldown", rx.input(name="cooldown", type="number",
                                                          min=0, default_value="0")),
            submit_button(t("campaigns.caps.save")), align="end", spacing="3", width="100%"),
            on_submit=R.save_cap, reset_on_submit=False),
        rx.cond(R.cap_error != "", rx.text(R.cap_error, color=rx.color("red", 11), size="2")),
        spacing="3", width="100%"), width="100%")
