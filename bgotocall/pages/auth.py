"""Sign-in, forgotten password, reset and refusal pages."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import language_switch
from bgotocall.i18n import t
from bgotocall.state.password import PasswordState
from bgotocall.state.session import LOGIN_PAGE, SessionState
from bgotocall.components.forms import submit_button


def _field(label_key: str, name: str, type_: str, autofocus: bool = False,
           autocomplete: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", html_for=name, size="2", weight="medium"),
        rx.input(id=name, name=name, type=type_, required=True, auto_focus=autofocus,
                 auto_complete=autocomplete, size="3", width="100%"),
        spacing="1", width="100%",
    )


def _card(title_key: str, subtitle_key: str, *body: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(rx.hstack(rx.icon("phone-call", color=rx.color("indigo", 9)),
                                rx.heading("B-GOTOCALL OS", size="5"), align="center"),
                      rx.spacer(), language_switch(), width="100%"),
            rx.card(rx.vstack(
                rx.heading(t(title_key), size="6", data_testid="page-title"),
                rx.text(t(subtitle_key), color=rx.color("gray", 11), size="2"),
                *body, spacing="4", width="100%"), width="100%", size="3"),
            width="420px", spacing="4",
        ),
        min_height="100vh", background=rx.color("gray", 2),
    )


def _error(message) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="triangle-alert", color_scheme="red",
                                             role="alert", data_testid="form-error"))


def login_page() -> rx.Component:
    return _card(
        "login.title", "login.subtitle",
        rx.cond(SessionState.login_tenant != "", rx.badge(
            rx.icon("building-2", size=14), SessionState.login_tenant, size="3",
            data_testid="login-tenant")),
        _error(SessionState.login_error),
        rx.form(rx.vstack(
            # an agent's login (j.ekambi) or an email: both name the account
            _field("login.identifier", "email", "text", autofocus=True, autocomplete="username"),
            _field("login.password", "password", "password",
                   autocomplete="current-password"),
            submit_button(t("login.submit"), size="3", width="100%",
                      data_testid="login-submit"),
            spacing="4", width="100%"), on_submit=SessionState.log_in, reset_on_submit=False),
        rx.link(t("login.forgot"), href="/mot-de-passe-oublie", size="2"),
        rx.link(t("signup.link"), href="/inscription", size="2", data_testid="signup-link"),
    )


def forgot_page() -> rx.Component:
    return _card(
        "forgot.title", "forgot.subtitle",
        rx.cond(
            PasswordState.forgot_sent,
            rx.callout(t("forgot.sent"), icon="mail-check", color_scheme="green",
                       data_testid="forgot-sent"),
            rx.form(rx.vstack(
                _field("login.email", "email", "email", autofocus=True),
                submit_button(t("forgot.submit"), size="3", width="100%"),
                spacing="4", width="100%"), on_submit=PasswordState.ask_reset_link),
        ),
        rx.link(t("back.login"), href=LOGIN_PAGE, size="2"),
    )


def reset_page() -> rx.Component:
    return _card(
        "reset.title", "reset.subtitle",
        rx.foreach(PasswordState.reset_errors,
                   lambda e: rx.callout(e, icon="triangle-alert", color_scheme="red",
                                        data_testid="form-error")),
        rx.cond(
            PasswordState.reset_done,
            rx.callout(t("reset.done"), icon="check", color_scheme="green",
                       data_testid="reset-done"),
            rx.form(rx.vstack(
                _field("reset.password", "password", "password", autofocus=True,
                       autocomplete="new-password"),
                _field("reset.confirm", "confirm", "password", autocomplete="new-password"),
                submit_button(t("reset.submit"), size="3", width="100%"),
                spacing="4", width="100%"), on_submit=PasswordState.choose_new_password),
        ),
        rx.link(t("back.login"), href=LOGIN_PAGE, size="2"),
    )


def forbidden_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("shield-x", size=48, color=rx.color("red", 9)),
            rx.heading(t("forbidden.title"), size="7", data_testid="page-title"),
            rx.text(t("forbidden.text"), color=rx.color("gray", 11)),
            rx.button(t("forbidden.home"), on_click=SessionState.go_home, size="3"),
            align="center", spacing="4",
        ),
        min_height="100vh",
    )
