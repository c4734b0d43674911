"""Sign-up, email verification, configurator and the payment return pages (UC-ADM-01..04)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import language_switch
from bgotocall.i18n import t
from bgotocall.state.checkout import CheckoutState
from bgotocall.state.configurator import CHANNELS, ConfiguratorState
from bgotocall.state.signup import SignupState
from bgotocall.components.forms import submit_button
from services.billing.money import CURRENCIES
from services.onboarding.signup import COUNTRIES

STEPS = ("signup.step.account", "signup.step.verify", "signup.step.configure", "signup.step.pay")


def stepper(current: int) -> rx.Component:
    def step(i: int, key: str) -> rx.Component:
        done, active = i < current, i == current
        return rx.hstack(
            rx.center(rx.cond(done, rx.icon("check", size=14), rx.text(str(i + 1), size="1")),
                      width="26px", height="26px", border_radius="50%",
                      background=rx.color("indigo", 9) if (done or active) else rx.color("gray", 4),
                      color="white" if (done or active) else rx.color("gray", 11)),
            rx.text(t(key), size="2", weight="bold" if active else "regular",
                    color=rx.color("gray", 12) if active else rx.color("gray", 11)),
            align="center", spacing="2")
    parts = []
    for i, key in enumerate(STEPS):
        if i:
            parts.append(rx.box(height="1px", flex="1", background=rx.color("gray", 6)))
        parts.append(step(i, key))
    return rx.hstack(*parts, align="center", width="100%", spacing="3", data_testid="stepper")


def _frame(current: int, *body: rx.Component, width: str = "640px") -> rx.Component:
    return rx.center(rx.vstack(
        rx.hstack(rx.hstack(rx.icon("phone-call", color=rx.color("indigo", 9)),
                            rx.heading("B-GOTOCALL OS", size="5"), align="center"),
                  rx.spacer(), language_switch(), width="100%"),
        stepper(current), *body, width=width, max_width="100%", spacing="5", padding_y="2rem"),
        min_height="100vh", background=rx.color("gray", 2), align_items="start")


def _field(label_key: str, control: rx.Component, name: str, errors, hint: str = "",
           required: bool = True) -> rx.Component:
    star = rx.text(" *", as_="span", color=rx.color("red", 10)) if required else ""
    return rx.vstack(
        rx.text(t(label_key), star, as_="label", html_for=name, size="2", weight="medium"),
        control,
        rx.text(t(hint), size="1", color=rx.color("gray", 10)) if hint else rx.fragment(),
        rx.cond(errors.contains(name), rx.text(errors[name], size="1", color=rx.color("red", 11),
                                               data_testid=f"error-{name}"), rx.fragment()),
        spacing="1", width="100%")


def _input(name: str, type_: str = "text", **props) -> rx.Component:
    return rx.input(id=name, name=name, type=type_, width="100%", size="3", **props)


def _select(name: str, options: dict[str, str], default: str) -> rx.Component:
    return rx.el.select(*[rx.el.option(label, value=value) for value, label in options.items()],
                        id=name, name=name, default_value=default,
                        style={"width": "100%", "padding": "0.55rem", "borderRadius": "6px",
                               "border": f"1px solid {rx.color('gray', 7)}", "background": "white"})


def signup_page() -> rx.Component:
    e = SignupState.errors
    form = rx.form(rx.vstack(
        rx.card(rx.vstack(
            rx.heading(t("signup.company"), size="4"),
            _field("signup.company_name", _input("company_name", auto_focus=True), "company_name", e),
            rx.hstack(
                _field("signup.country", _select("country", COUNTRIES, "CM"), "country", e),
                _field("signup.currency", _select("currency", {c: c for c in CURRENCIES}, "XAF"),
                       "currency", e), width="100%", spacing="4"),
            spacing="3", width="100%"), width="100%"),
        rx.card(rx.vstack(
            rx.heading(t("signup.credentials"), size="4"),
            _field("signup.full_name", _input("full_name", auto_complete="name"), "full_name", e),
            _field("signup.email", _input("email", "email", auto_complete="email"), "email", e),
            _field("signup.password", _input("password", "password", auto_complete="new-password"),
                   "password", e, hint="signup.password_hint"),
            _field("reset.confirm", _input("confirm", "password", auto_complete="new-password"),
                   "confirm", e),
            spacing="3", width="100%"), width="100%"),
        submit_button(t("signup.submit"), size="3", width="100%",
                  data_testid="signup-submit"),
        rx.link(t("signup.have_account"), href="/connexion", size="2"),
        spacing="4", width="100%"), on_submit=SignupState.register, reset_on_submit=False,
        no_validate=True)  # the server reports every error at once, under each field
    return _frame(0, rx.vstack(
        rx.heading(t("signup.title"), size="7", data_testid="page-title"),
        rx.text(t("signup.subtitle"), color=rx.color("gray", 11)), spacing="1"),
        rx.cond(SignupState.sent_to != "",
                rx.card(rx.vstack(rx.icon("mail-check", size=32, color=rx.color("green", 9)),
                                  rx.text(t("signup.sent"), data_testid="signup-sent"),
                                  rx.text(SignupState.sent_to, weight="bold"),
                                  align="center", spacing="3", padding="1.5rem"), width="100%"),
                form))


def verify_page() -> rx.Component:
    return _frame(1, rx.card(rx.vstack(
        rx.heading(t("signup.verify_title"), size="6", data_testid="page-title"),
        rx.cond(SignupState.verify_failed,
                rx.callout(t("signup.verify_failed"), icon="triangle-alert", color_scheme="red",
                           data_testid="form-error"),
                rx.hstack(rx.spinner(), rx.text(t("signup.verify_subtitle")))),
        rx.link(t("signup.link"), href="/inscription", size="2"),
        spacing="4", width="100%"), width="100%"))


def _summary_rows(lines) -> rx.Component:
    return rx.foreach(lines, lambda line: rx.hstack(
        rx.text(line.label, " × ", line.quantity, size="2"), rx.spacer(),
        rx.text(line.amount, size="2"), width="100%"))


def _channel_card(channel: str) -> rx.Component:
    checked = ConfiguratorState.channels.contains(channel)
    return rx.card(rx.vstack(
        rx.checkbox(t(f"config.{channel}"), checked=checked, size="3",
                    on_change=lambda v: ConfiguratorState.toggle_channel(channel, v),
                    data_testid=f"channel-{channel}"),
        rx.cond(checked, rx.vstack(
            rx.text(t(f"config.traffic.{channel}"), as_="label", html_for=f"traffic-{channel}",
                    size="1", color=rx.color("gray", 11)),
            rx.input(id=f"traffic-{channel}", type="number", min=0,
                     default_value=ConfiguratorState.traffic[channel].to_string(),
                     key=ConfiguratorState.traffic[channel].to_string(),
                     on_blur=lambda v: ConfiguratorState.set_traffic(channel, v), width="100%"),
            spacing="1", width="100%")),
        spacing="2", width="100%"), width="100%")


def configurator_page() -> rx.Component:
    s = ConfiguratorState
    left = rx.vstack(
        rx.card(rx.vstack(rx.heading(t("config.channels"), size="4"),
                          rx.grid(*[_channel_card(c) for c in CHANNELS], columns="2", spacing="3",
                                  width="100%"),
                          spacing="3", width="100%"), width="100%"),
        rx.card(rx.vstack(
            rx.hstack(rx.heading(t("config.agents"), size="4"), rx.spacer(),
                      rx.badge(s.agents, size="3", data_testid="agents-count")),
            rx.slider(value=[s.agents], min=1, max=100, step=1, on_change=s.slide_agents,
                      on_value_commit=s.commit_agents, data_testid="agents-slider"),
            spacing="3", width="100%"), width="100%"),
        width="100%", spacing="4")
    summary = rx.card(rx.vstack(
        rx.heading(t("config.summary"), size="4"),
        rx.text(t("config.subscription"), weight="bold", size="2"),
        _summary_rows(s.subscription),
        rx.text(t("config.consumption"), weight="bold", size="2"),
        _summary_rows(s.consumption),
        rx.separator(),
        rx.hstack(rx.text(t("config.net")), rx.spacer(), rx.text(s.net, data_testid="quote-net"),
                  width="100%"),
        rx.hstack(rx.text(s.vat_label), rx.spacer(), rx.text(s.vat), width="100%"),
        rx.hstack(rx.text(t("config.total"), weight="bold"), rx.spacer(),
                  rx.text(s.total, weight="bold", size="5", data_testid="quote-total"),
                  width="100%"),
        rx.cond(s.error != "", rx.text(s.error, color=rx.color("red", 11), size="2",
                                       data_testid="form-error")),
        rx.button(rx.icon("lock", size=16), t("config.pay"), size="3", width="100%",
                  on_click=s.pay, loading=s.paying, data_testid="pay"),
        rx.text(t("config.saved"), size="1", color=rx.color("gray", 10)),
        spacing="3", width="100%"), width="100%", position="sticky", top="1rem")
    return _frame(2, rx.vstack(rx.heading(t("config.title"), size="7", data_testid="page-title"),
                               rx.text(t("config.subtitle"), color=rx.color("gray", 11)),
                               spacing="1"),
                  rx.hstack(left, rx.box(summary, width="380px", min_width="320px"),
                            width="100%", spacing="5", align="start"), width="1080px")


def confirmation_page() -> rx.Component:
    s = CheckoutState
    success = rx.card(rx.vstack(
        rx.hstack(rx.icon("circle-check", color=rx.color("green", 9), size=28),
                  rx.heading(t("pay.success"), size="6"), align="center"),
        rx.cond(s.tenant_status == "ACTIVE",
                rx.callout(t("pay.instance_active"), icon="rocket", color_scheme="green",
                           data_testid="instance-active"),
                rx.hstack(rx.spinner(), rx.text(t("pay.provisioning")))),
        rx.hstack(rx.text(t("pay.balance")), rx.spacer(),
                  rx.text(s.balance, weight="bold", size="5", data_testid="wallet-balance"),
                  width="100%"),
        rx.text(t("pay.receipt"), weight="bold"),
        rx.image(src=f"/api/billing/receipts/{s.payment_id}.png", alt="Reçu de paiement",
                 width="100%", max_width="420px", border=f"1px solid {rx.color('gray', 5)}",
                 border_radius="8px", data_testid="receipt-image"),
        rx.hstack(
            rx.link(rx.button(rx.icon("download", size=16), t("pay.download"), variant="outline"),
                    href=f"/api/billing/receipts/{s.payment_id}.png?download=1", is_external=True),
            rx.button(t("pay.go"), on_click=rx.redirect("/tableau-de-bord"), data_testid="go-home"),
            spacing="3"),
        spacing="4", width="100%"), width="100%")
    failure = _failure_card()
    waiting = rx.card(rx.hstack(rx.spinner(), rx.text(t("pay.waiting"), data_testid="waiting")),
                      width="100%")
    return _frame(3, rx.heading(t("pay.confirm_title"), size="7", data_testid="page-title"),
                  rx.cond(s.status == "succeeded", success,
                          rx.cond(s.status == "failed", failure, waiting)))


def _failure_card() -> rx.Component:
    s = CheckoutState
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("circle-x", color=rx.color("red", 9), size=28),
                  rx.heading(t("pay.failed_title"), size="6"), align="center"),
        rx.callout(rx.cond(s.failure_message != "", s.failure_message, t("pay.cancelled")),
                   icon="triangle-alert", color_scheme="red", data_testid="payment-failure"),
        rx.text(t("pay.no_credit"), size="2", color=rx.color("gray", 11)),
        rx.hstack(rx.button(rx.icon("rotate-ccw", size=16), t("pay.retry"), on_click=s.retry,
                            data_testid="retry-payment"),
                  rx.link(rx.button(t("pay.edit_cart"), variant="outline"), href="/configurateur"),
                  spacing="3"),
        spacing="4", width="100%"), width="100%")


def cancel_page() -> rx.Component:
    s = CheckoutState
    return _frame(3, rx.heading(t("pay.failed_title"), size="7", data_testid="page-title"),
                  rx.cond(s.status == "succeeded",
                          rx.callout(t("pay.success"), icon="check", color_scheme="green"),
                          _failure_card()))
