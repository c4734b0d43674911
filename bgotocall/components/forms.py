"""Form parts shared by every page."""
from __future__ import annotations

import reflex as rx


def submit_button(*children, busy: rx.Var | bool = False, **props) -> rx.Component:
    """A submit button that stays disabled until the page is connected to the server.

    Before hydration a form would submit natively (a GET putting the fields, passwords
    included, in the address bar); a disabled submit button also blocks Enter.
    """
    ready = rx.State.is_hydrated
    disabled = ~ready | busy if isinstance(busy, rx.Var) else ~ready if not busy else True
    return rx.button(*children, type="submit", disabled=disabled, **props)
