"""The four steps of the campaign wizard (UC-CP-01 A-D, UC-CP-04)."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.pages.campaigns_agent import agent_form
from bgotocall.pages.campaigns_quill import rich_text
from bgotocall.state.campaigns_editor import CampaignEditorState as S
from services.campaigns.config import CODE_ACTIONS
from services.campaigns.forms import FIELD_TYPES
from services.campaigns.presets import PRESETS
from services.campaigns.timebands import WEEKDAYS

TIMEZONES = ("Africa/Douala", "Africa/Dakar", "Africa/Abidjan", "Africa/Lagos",
             "Europe/Paris", "UTC")
COUNTRIES = ("CM", "SN", "CI", "FR")


def field(label_key: str, control: rx.Component, required: bool = False,
          help_key: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), rx.cond(required, rx.text.span(" *", color="red"), ""),
                size="2", weight="medium"),
        control,
        rx.text(t(help_key), size="1", color=rx.color("gray", 10)) if help_key else rx.fragment(),
        spacing="1", width="100%")


def _card(title_key: str, *children, **props) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(t(title_key), size="3"), *children, spacing="3",
                             width="100%"), width="100%", **props)


# --- A. frame ---------------------------------------------------------------------------
def _day_input(key: str, value, id_: str) -> rx.Component:
    """A day typed as the page's language writes it (jj/mm/aaaa), not as the browser's locale
    would show a native date picker (mm/dd/yyyy in an English browser)."""
    return rx.input(value=value, on_change=lambda v: S.set_frame(key, v), id=id_,
                    placeholder=t("campaigns.date.placeholder"), input_mode="numeric",
                    max_length=10, width="100%")



def step_a() -> rx.Component:
    frame = S.set_frame
    return rx.vstack(
        _card("campaigns.step.A",
              rx.grid(
                  field("campaigns.name", rx.input(value=S.name, on_change=lambda v: frame("name", v),
                                                   id="campaign-name", width="100%"), True),
                  field("campaigns.timezone", rx.select(list(TIMEZONES), value=S.timezone,
                                                        on_change=lambda v: frame("timezone", v))),
                  field("campaigns.valid_from", _day_input("valid_from", S.valid_from, "valid-from")),
                  field("campaigns.valid_until", _day_input("valid_until", S.valid_until,
                                                            "valid-until")),
                  columns="2", spacing="4", width="100%"),
              field("campaigns.description", rx.text_area(
                  value=S.description, on_change=lambda v: frame("description", v),
                  width="100%", rows="2"))),
        _card("campaigns.bands",
              rx.hstack(rx.text(t("campaigns.preset"), size="2"), *[rx.button(
                  t(f"campaigns.preset.{key}"), size="1", variant="soft", on_click=S.use_preset(key),
                  data_testid=f"preset-{key}") for key in PRESETS],
                  wrap="wrap", spacing="2", align="center"),
              rx.text(t("campaigns.bands.help"), size="1", color=rx.color("gray", 10)),
              rx.grid(*[rx.fragment(
                  rx.text(WEEKDAYS[d], size="2", weight="medium", padding_top="0.4rem"),
                  rx.input(value=S.bands[d], on_change=lambda v, d=d: S.set_band(d, v),
                           placeholder="—", id=f"band-{d}",
                           width="100%")) for d in range(7)],
                  columns="120px 1fr", spacing="2", width="100%"),
              rx.checkbox(t("campaigns.contact_time"), checked=S.contact_local_time,
                          on_change=lambda v: frame("contact_local_time", v)),
              rx.grid(
                  field("campaigns.holidays", rx.input(
                      value=S.holidays, on_change=lambda v: frame("holidays", v),
                      placeholder="2026-12-25, 2027-01-01", width="100%")),
                  field("campaigns.holiday_country", rx.select.root(
                      rx.select.trigger(), rx.select.content(
                          rx.select.item(t("campaigns.holiday_country.none"), value="none"),
                          *[rx.select.item(c, value=c) for c in COUNTRIES]),
                      value=S.holiday_country, on_change=lambda v: frame("holiday_country", v))),
                  columns="2", spacing="4", width="100%")),
        width="100%", spacing="4")


# --- B. channels ------------------------------------------------------------------------
def _slot(channel: str, icon: str, *body) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.icon(icon, size=18), rx.heading(t(f"campaigns.channel.{channel}"), size="3"),
                  rx.spacer(), rx.text(t("campaigns.enabled"), size="2"),
                  rx.switch(checked=S.enabled[channel].to(bool),
                            on_change=lambda v: S.toggle_channel(channel, v),
                            data_testid=f"enable-{channel}"),
                  width="100%", align="center"),
        rx.cond(S.enabled[channel].to(bool), rx.vstack(*body, width="100%", spacing="3")),
        width="100%", spacing="3"), width="100%", data_testid=f"slot-{channel}")


def _variables_hint() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(t("campaigns.variables"), size="1", color=rx.color("gray", 10)),
                  rx.foreach(S.known_fields, lambda f: rx.code("{" + f + "}", size="1")),
                  wrap="wrap", spacing="1"),
        rx.cond(S.unknown_variables.length() > 0, rx.text(
            t("campaigns.variables.unknown"), " ",
            rx.foreach(S.unknown_variables, lambda v: rx.text.span("{", v, "} ")),
            color=rx.color("red", 11), size="2", data_testid="unknown-variables")),
        spacing="1", width="100%")


def _queue_settings() -> rx.Component:
    """The campaign's queue: who takes its calls first, who waits less, how long a caller waits."""
    slot = S.set_slot
    return rx.grid(
        field("campaigns.voice.skill", rx.select.root(
            rx.select.trigger(data_testid="voice-skill"),
            rx.select.content(rx.select.item(t("campaigns.voice.none"), value="none"),
                              rx.foreach(S.skill_options, lambda k: rx.select.item(k, value=k))),
            value=S.voice["skill"], on_change=lambda v: slot("voice", "skill", v))),
        field("campaigns.voice.vip_field", rx.select.root(
            rx.select.trigger(data_testid="voice-vip-field"),
            rx.select.content(rx.select.item(t("campaigns.voice.none"), value="none"),
                              rx.foreach(S.known_fields, lambda k: rx.select.item(k, value=k))),
            value=S.voice["vip_field"], on_change=lambda v: slot("voice", "vip_field", v))),
        field("campaigns.voice.max_wait", rx.input(
            value=S.voice["max_wait_seconds"], type="number", min="10", max="900", id="voice-max-wait",
            on_change=lambda v: slot("voice", "max_wait_seconds", v))),
        columns="3", spacing="4", width="100%")


def step_b() -> rx.Component:
    slot = S.set_slot
    return rx.vstack(
        _variables_hint(),
        _slot("voice", "phone",
              field("campaigns.voice.mode", rx.segmented_control.root(
                  rx.segmented_control.item(t("campaigns.voice.PREVIEW"), value="PREVIEW"),
                  rx.segmented_control.item(t("campaigns.voice.PROGRESSIVE"),
                                            value="PROGRESSIVE"),
                  rx.segmented_control.item(t("campaigns.voice.PREDICTIVE"), value="PREDICTIVE"),
                  rx.segmented_control.item(t("campaigns.voice.INBOUND"), value="INBOUND"),
                  value=S.voice["mode"], on_change=lambda v: slot("voice", "mode", v),
                  data_testid="voice-mode")),
              field("campaigns.voice.caller_id", rx.select.root(
                  rx.select.trigger(data_testid="voice-caller-id"),
                  rx.select.content(
                      rx.select.item(t("campaigns.voice.caller_id.default"), value="default"),
                      rx.foreach(S.number_options, lambda n: rx.select.item(n, value=n))),
                  value=S.voice["caller_id"], on_change=lambda v: slot("voice", "caller_id", v))),
              rx.checkbox(t("campaigns.voice.record"), checked=S.voice["record"] == "True",
                          on_change=lambda v: slot("voice", "record", v),
                          data_testid="voice-record"),
              _queue_settings(),
              field("campaigns.voice.script", rich_text(
                  S.voice["script"], lambda v: slot("voice", "script", v), S.editor_key,
                  "voice-script"), True)),
        _slot("sms", "message-square",
              field("campaigns.sms.sender", rx.input(value=S.sms["sender"], max_length=11,
                                                     on_change=lambda v: slot("sms", "sender", v))),
              field("campaigns.sms.text", rx.text_area(
                  value=S.sms["text"], on_change=lambda v: slot("sms", "text", v), rows="4",
                  width="100%", id="sms-text"), True),
              rx.hstack(rx.badge(S.sms_info, " ", t("campaigns.sms.segments"),
                                 data_testid="sms-segments"),
                        rx.text(t("campaigns.sms.cost"), " : ", S.sms_cost, size="2",
                                data_testid="sms-cost"), spacing="3", align="center")),
        _slot("email", "mail",
              rx.grid(field("campaigns.email.sender", rx.input(
                  value=S.email["sender"], type="email",
                  on_change=lambda v: slot("email", "sender", v), id="email-sender")),
                  field("campaigns.email.subject", rx.input(
                      value=S.email["subject"], on_change=lambda v: slot("email", "subject", v),
                      id="email-subject"), True), columns="2", spacing="4", width="100%"),
              field("campaigns.email.html", rich_text(
                  S.email["html"], lambda v: slot("email", "html", v), S.editor_key,
                  "email-html"), True),
              field("campaigns.email.text", rx.text_area(
                  value=S.email["text"], on_change=lambda v: slot("email", "text", v), rows="3",
                  width="100%")),
              rx.callout(t("campaigns.email.unsubscribe"), icon="info", size="1")),
        _slot("whatsapp", "message-circle",
              rx.cond(S.template_options.length() > 0,
                      field("campaigns.wa.template", rx.select.root(
                          rx.select.trigger(placeholder="—", data_testid="wa-template"),
                          rx.select.content(rx.foreach(S.template_options, lambda o: rx.select.item(
                              o.label, value=o.id))),
                          value=S.whatsapp["template_id"],
                          on_change=lambda v: slot("whatsapp", "template_id", v)), True),
                      rx.callout(t("campaigns.wa.none"), icon="info", size="1")),
              rx.cond(S.wa_body != "", rx.blockquote(S.wa_body, size="2")),
              rx.foreach(S.wa_slots, lambda n: rx.hstack(
                  rx.text(t("campaigns.wa.variable"), " {{", n, "}}", size="2", width="140px"),
                  rx.select(S.known_fields, value=S.wa_variables[n].to(str),
                            on_change=lambda v: S.set_wa_variable(n, v)),
                  align="center")),
              field("campaigns.wa.media", rx.input(
                  value=S.whatsapp["media_url"], placeholder="https://…/offre.pdf",
                  on_change=lambda v: slot("whatsapp", "media_url", v), width="100%"))),
        _card("campaigns.fallback",
              rx.text(t("campaigns.fallback.help"), size="1", color=rx.color("gray", 10)),
              rx.hstack(rx.text(t("campaigns.fallback.when"), size="2"), _channel_select(
                  S.fallback_from, lambda v: S.set_fallback("from", v)),
                  rx.text(t("campaigns.fallback.then"), size="2"), _channel_select(
                      S.fallback_to, lambda v: S.set_fallback("to", v)), align="center")),
        width="100%", spacing="4")


def _channel_select(value, on_change) -> rx.Component:
    return rx.select.root(rx.select.trigger(), rx.select.content(
        rx.select.item(t("campaigns.fallback.none"), value="none"),
        *[rx.select.item(t(f"campaigns.channel.{c}"), value=c)
          for c in ("voice", "sms", "email", "whatsapp")]), value=value, on_change=on_change)


# --- C. agent form ----------------------------------------------------------------------
def _field_row(row, index) -> rx.Component:
    set_ = S.set_form_field
    return rx.card(rx.vstack(
        rx.grid(
            field("campaigns.form.label", rx.input(value=row.label, width="100%",
                                                   on_change=lambda v: set_(index, "label", v),
                                                   class_name="form-field-label"), True),
            field("campaigns.form.tag", rx.input(value=row.tag, width="100%",
                                                 placeholder="Budget_Client",
                                                 on_change=lambda v: set_(index, "tag", v))),
            field("campaigns.form.type", rx.select.root(
                rx.select.trigger(class_name="form-field-type"), rx.select.content(
                    *[rx.select.item(t(f"campaigns.form.type.{k}"), value=k)
                      for k in FIELD_TYPES]),
                value=row.type, on_change=lambda v: set_(index, "type", v))),
            columns="3", spacing="3", width="100%"),
        rx.hstack(
            rx.checkbox(t("campaigns.form.required"), checked=row.required,
                        on_change=lambda v: set_(index, "required", v)),
            rx.cond(row.type == "list", rx.input(
                value=row.options, placeholder=t("campaigns.form.options"), width="320px",
                on_change=lambda v: set_(index, "options", v), class_name="form-field-options")),
            rx.spacer(),
            rx.button(rx.icon("trash-2", size=14), t("campaigns.form.remove"), size="1",
                      variant="ghost", color_scheme="red", on_click=S.remove_form_field(index)),
            width="100%", align="center"),
        spacing="2", width="100%"), width="100%", data_testid="form-field-row")


def step_c() -> rx.Component:
    return rx.grid(
        rx.vstack(
            rx.heading(t("campaigns.form.fields"), size="3"),
            rx.cond(S.fields.length() == 0, rx.text(t("campaigns.form.empty"), size="2",
                                                    color=rx.color("gray", 10))),
            rx.foreach(S.fields, _field_row),
            rx.button(rx.icon("plus", size=14), t("campaigns.form.add"), variant="soft",
                      on_click=S.add_form_field, data_testid="add-form-field"),
            width="100%", spacing="3"),
        rx.card(rx.vstack(rx.heading(t("campaigns.form.preview"), size="3"),
                          agent_form(S.preview_fields), width="100%"),
                width="100%", data_testid="form-preview"),
        columns="minmax(0, 3fr) minmax(240px, 2fr)", spacing="4", width="100%")


# --- D. resources -----------------------------------------------------------------------
def _checklist(kind: str, options, empty_key: str, test_id: str) -> rx.Component:
    chosen = getattr(S, kind)
    # One label per choice, the box kept at its size beside a name that may wrap.
    return rx.cond(options.length() > 0, rx.flex(rx.foreach(options, lambda o: rx.checkbox(
        rx.text(rx.text.span(o.label), rx.cond(o.detail != "", rx.text.span(
            " · ", o.detail, color=rx.color("gray", 10)), ""), size="2"),
        checked=chosen.contains(o.id), on_change=lambda v: S.toggle_choice(kind, o.id, v),
        flex_shrink="0", margin_top="2px")),
        wrap="wrap", gap="4", data_testid=test_id),
        rx.text(t(empty_key), size="2", color=rx.color("gray", 10)))


def _code_row(row, index) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.input(value=row.code, on_change=lambda v: S.set_code(index, "code", v),
                               width="170px")),
        rx.table.cell(rx.input(value=row.label, width="100%",
                               on_change=lambda v: S.set_code(index, "label", v)),
                      min_width="180px"),
        rx.table.cell(rx.select.root(rx.select.trigger(width="210px"), rx.select.content(
            *[rx.select.item(t(f"campaigns.action.{a or 'none'}"), value=a or "none")
              for a in CODE_ACTIONS]),
            value=rx.cond(row.action == "", "none", row.action),
            on_change=lambda v: S.set_code(index, "action", rx.cond(v == "none", "", v)))),
        rx.table.cell(rx.input(value=row.template, width="100%",
                               on_change=lambda v: S.set_code(index, "template", v)),
                      min_width="150px"),
        rx.table.cell(rx.icon_button(rx.icon("trash-2", size=14), variant="ghost",
                                     color_scheme="red", on_click=S.remove_code(index),
                                     aria_label="Retirer")),
        data_testid="code-row")


def step_d() -> rx.Component:
    return rx.vstack(
        _card("campaigns.agents", _checklist("agents", S.agent_options, "campaigns.agents.none",
                                             "agent-choices")),
        _card("campaigns.teams", _checklist("teams", S.team_options, "campaigns.teams.none",
                                            "team-choices")),
        _card("campaigns.lists", _checklist("lists", S.list_options, "campaigns.lists.none",
                                            "list-choices")),
        _card("campaigns.codes",
              rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k))
                                                           for k in (
                  "campaigns.codes.code", "campaigns.codes.label", "campaigns.codes.action",
                  "campaigns.codes.template")], rx.table.column_header_cell(""))),
                  rx.table.body(rx.foreach(S.codes, _code_row)), width="100%",
                  variant="surface"),
              rx.button(rx.icon("plus", size=14), t("campaigns.codes.add"), variant="soft",
                        on_click=S.add_code)),
        width="100%", spacing="4")
