"""Forgotten password and reset pages."""
from __future__ import annotations

import reflex as rx

from services.identity.password_reset import request_password_reset, reset_password
from bgotocall.state.session import SessionState


class PasswordState(SessionState):
    forgot_sent: bool = False
    reset_errors: list[str] = []
    reset_done: bool = False

    @rx.event
    def ask_reset_link(self, form: dict):
        email = str(form.get("email", "")).strip()
        if "@" not in email:
            return rx.toast.error("Saisissez une adresse email valide.")
        request_password_reset(email, self.router.session.client_ip)
        self.forgot_sent = True
        return None

    @rx.event
    def open_reset_page(self):
        self.reset_errors = []
        self.reset_done = False

    @rx.event
    def choose_new_password(self, form: dict):
        password = str(form.get("password", ""))
        if password != str(form.get("confirm", "")):
            self.reset_errors = ["Les deux mots de passe ne sont pas identiques."]
            return
        token = self.router.url.query_parameters.get("token", "")
        self.reset_errors = reset_password(token, password)
        self.reset_done = not self.reset_errors
