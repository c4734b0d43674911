"""The call on the agent's panel: screen pop (contact card, script, form, codes, comment, callback)."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.agent_call import AgentCallState as S, PopField

PHASES = {"preview": "call.phase.preview", "ringing": "call.phase.ringing", "answered": "call.phase.answered", "ended": "call.phase.ended"}


def _field_error(key) -> rx.Component:
    return rx.cond(S.call_errors.contains(key),
                   rx.text(S.call_errors[key], color=rx.color("red", 11), size="1"))


def _form_field(field: PopField) -> rx.Component:
    testid = "call-field-" + field.key
    value = S.answers.get(field.key, "")
    control = rx.match(
        field.type,
        ("list", rx.select(field.options, value=value, on_change=lambda v: S.set_answer(field.key, v),
                           placeholder="—", data_testid=testid)),
        ("checkbox", rx.checkbox(checked=value == "oui", on_change=lambda v: S.set_answer(field.key, v),
                                 data_testid=testid)),
        ("number", rx.input(type="number", value=value, on_change=lambda v: S.set_answer(field.key, v),
                            data_testid=testid)),
        ("date", rx.input(type="date", value=value, on_change=lambda v: S.set_answer(field.key, v),
                          data_testid=testid)),
        rx.input(value=value, on_change=lambda v: S.set_answer(field.key, v), data_testid=testid),
    )
    return rx.vstack(
        rx.text(field.label, rx.cond(field.required, rx.text.span(" *", color=rx.color("red", 11))),
                size="2", weight="medium"),
        control, _field_error(field.key), spacing="1", width="100%")


def _contact_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("user", size=18), rx.heading(S.contact_name, size="4", data_testid="pop-contact-name"),
                  align="center"),
        rx.text(S.contact_phone, data_testid="pop-contact-phone"),
        rx.cond(S.contact_email != "", rx.text(S.contact_email, color=rx.color("gray", 11))),
        rx.foreach(S.contact_fields, lambda f: rx.text(rx.text.span(f.label + " : ", weight="medium"), f.value,
                                                       size="2")),
        rx.cond(S.history.length() > 0, rx.vstack(
            rx.text(t("call.history"), weight="medium", size="2"),
            rx.foreach(S.history, lambda h: rx.text(
                h.when, " · ", h.channel, " · ", h.status, " ", h.code,
                rx.cond(h.text != "", rx.text.span(" · « ", h.text, " »")),
                size="1", color=rx.color("gray", 11), data_testid="pop-history")),
            spacing="1")),
        spacing="2"), width="100%")


def _qualification() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(t("call.form"), size="3"),
        rx.foreach(S.fields, _form_field),
        rx.text(t("call.code"), size="2", weight="medium"),
        rx.select.root(rx.select.trigger(placeholder="—", data_testid="call-code"),
                       rx.select.content(rx.foreach(S.codes, lambda c: rx.select.item(c.label, value=c.code))),
                       value=S.code, on_change=S.set_code),
        _field_error("_code"),
        rx.text(t("call.callback"), size="2", weight="medium"),
        rx.hstack(rx.input(type="datetime-local", value=S.callback_at, on_change=S.set_callback_at,
                           data_testid="call-callback"),
                  rx.checkbox(t("call.callback.personal"), checked=S.callback_personal,
                              on_change=S.set_callback_personal), align="center"),
        _field_error("_callback"),
        rx.text(t("call.comment"), size="2", weight="medium"),
        rx.text_area(value=S.comment, on_change=S.set_comment, data_testid="call-comment", width="100%"),
        _field_error("_"),
        rx.button(t("call.validate"), on_click=S.validate_call, disabled=S.phase != "ended",
                  data_testid="call-validate"),
        spacing="2", width="100%"), width="100%")


def _preview_decision() -> rx.Component:
    """Preview mode: the agent calls the offered record or skips it with a reason."""
    return rx.card(rx.hstack(
        rx.button(rx.icon("phone", size=16), t("call.preview.call"), on_click=S.call_now, loading=S.deciding,
                  color_scheme="green", data_testid="preview-call"),
        rx.vstack(
            rx.hstack(rx.input(value=S.skip_reason, on_change=S.set_skip_reason, max_length=200,
                               placeholder=t("call.preview.reason.placeholder"),
                               aria_label=t("call.preview.reason"), data_testid="preview-skip-reason",
                               width="22rem"),
                      rx.button(t("call.preview.skip"), on_click=S.skip, variant="soft",
                                data_testid="preview-skip"), spacing="2"),
            _field_error("_skip"), spacing="1"),
        spacing="4", align="start", wrap="wrap"), width="100%", data_testid="preview-decision")


def agent_call_panel() -> rx.Component:
    """Shown while the agent has a call (ringing, in call, or waiting for its qualification)."""
    return rx.box(rx.cond(
        S.phase != "",
        rx.vstack(
            rx.hstack(rx.badge(rx.match(S.phase, *[(k, t(v)) for k, v in PHASES.items()], ""), size="2",
                               data_testid="call-phase"),
                      rx.text(S.campaign, weight="medium"), spacing="3", align="center"),
            rx.cond(S.phase == "preview", _preview_decision()),
            rx.grid(
                rx.vstack(_contact_card(),
                          rx.card(rx.vstack(rx.heading(t("call.script"), size="3"),
                                            rx.html(S.script, data_testid="pop-script")), width="100%"),
                          width="100%"),
                _qualification(),
                columns="2", spacing="4", width="100%"),
            width="100%", spacing="3", data_testid="screen-pop"),
    ), width="100%", on_mount=S.load_call)
