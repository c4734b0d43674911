"""Why a « Déconnecté » agent receives no call, and how to connect their phone (bandeau agent)."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.agent_phone import AgentPhoneState as P


def _setting(key: str, value, testid: str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(key)),
                             rx.data_list.value(rx.code(value, variant="ghost", data_testid=testid)))


def logged_out_help(state) -> rx.Component:
    """Shown while `state` (the agent's live state) is LOGGED_OUT; never shows the SIP password."""
    return rx.cond(state == "LOGGED_OUT", rx.callout.root(
        rx.callout.icon(rx.icon("plug-zap")),
        rx.vstack(
            rx.text(t("agent.phone.why"), weight="bold"),
            rx.text(t("agent.phone.todo"), size="2"),
            rx.cond(P.has_extension, rx.data_list.root(
                _setting("agent.phone.server", P.server, "phone-server"),
                _setting("agent.phone.extension", P.extension, "phone-extension"),
                _setting("agent.phone.sip_user", P.sip_user, "phone-sip-user"),
                _setting("agent.phone.login", P.login, "phone-login"),
                _setting("agent.phone.webrtc", P.webrtc, "phone-webrtc"),
                _setting("agent.phone.softphone", P.softphone, "phone-softphone"),
                size="2", spacing="2")),
            rx.text(t("agent.phone.password"), size="2", data_testid="phone-password"),
            spacing="2", width="100%"),
        color_scheme="amber", width="100%", data_testid="logged-out-help",
        on_mount=P.load_phone_setup))
