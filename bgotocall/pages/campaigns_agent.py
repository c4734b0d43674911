"""The agent's view of a campaign: script, form and qualification codes. The wizard's
preview (step C) renders the form with the same `agent_form` so it is exactly what the
agent sees."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.campaigns_agent import AgentCampaignsState


def _field(field) -> rx.Component:
    label = rx.text(field.label, rx.cond(field.required, rx.text.span(" *", color="red"), ""),
                    size="2", weight="medium")
    control = rx.match(
        field.type,
        ("number", rx.input(type="number", name=field.key, width="100%")),
        ("date", rx.input(type="date", name=field.key, width="100%")),
        ("checkbox", rx.checkbox(name=field.key)),
        ("list", rx.select(field.options, name=field.key, width="100%")),
        rx.input(name=field.key, width="100%"),
    )
    return rx.cond(field.type == "checkbox",
                   rx.hstack(control, label, align="center", spacing="2"),
                   rx.vstack(label, control, spacing="1", width="100%"))


def agent_form(fields) -> rx.Component:
    return rx.vstack(rx.foreach(fields, _field), spacing="3", width="100%",
                     data_testid="agent-form")


def _campaign(campaign) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(campaign.name, size="4"),
                  rx.cond(campaign.status == "LIVE", rx.badge(
                      rx.icon("radio", size=12), t("campaigns.agent.live"),
                      color_scheme="green", variant="soft"),
                      rx.badge(t("campaigns.status.EN_PAUSE"), color_scheme="orange")),
                  rx.spacer(),
            rx.text(t("campaigns.version"), " ", campaign.version, size="1",
                    color=rx.color("gray", 10), data_testid="agent-campaign-version"),
            width="100%", align="center"),
        rx.grid(
            rx.vstack(rx.text(t("campaigns.agent.script"), weight="bold", size="2"),
                      rx.box(rx.html(campaign.script), data_testid="agent-script",
                             class_name="bgc-script", width="100%"),
                      width="100%"),
            rx.vstack(rx.text(t("campaigns.agent.form"), weight="bold", size="2"),
                      agent_form(campaign.fields),
                      rx.text(t("campaigns.agent.codes"), weight="bold", size="2"),
                      rx.flex(rx.foreach(campaign.codes, lambda c: rx.button(
                          c.label, variant="outline", size="1")), wrap="wrap", gap="0.5rem",
                          data_testid="agent-codes"),
                      width="100%"),
            columns="2", spacing="5", width="100%"),
        spacing="3", width="100%"), width="100%", data_testid="agent-campaign")


def agent_campaigns_section() -> rx.Component:
    """On the agent's home page until the full panel exists."""
    return rx.cond(AgentCampaignsState.campaigns.length() > 0, rx.vstack(
        rx.heading(t("campaigns.agent.title"), size="5"),
        rx.foreach(AgentCampaignsState.campaigns, _campaign), width="100%", spacing="3"))
