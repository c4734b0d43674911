"""Sign-up (UC-ADM-01): the public form, then the emailed link that creates the tenant."""
from __future__ import annotations

import reflex as rx

from bgotocall.session_cookie import hand_over
from bgotocall.state.session import SessionState
from services.onboarding.signup import register_signup, verify_signup

FIELDS = ("company_name", "country", "currency", "full_name", "email", "password", "confirm")


class SignupState(SessionState):
    errors: dict[str, str] = {}
    sent_to: str = ""
    verify_failed: bool = False
    busy: bool = False

    @rx.event
    def open_signup(self):
        self.errors, self.sent_to = {}, ""

    @rx.event
    def register(self, form: dict):
        values = {name: str(form.get(name, "")) for name in FIELDS}
        result = register_signup(**values)
        self.errors = result.errors
        if not result.ok:
            return rx.toast.error("Vérifiez les champs signalés.")
        self.sent_to = values["email"].strip().lower()
        return rx.toast.success("Email de vérification envoyé.")

    @rx.event
    def verify(self):
        token = self.router.url.query_parameters.get("token", "")
        verified = verify_signup(token, self.router.session.client_ip)
        if verified is None:
            self.verify_failed = True
            return None
        self.verify_failed = False
        return hand_over(verified.session_token, "/configurateur")
