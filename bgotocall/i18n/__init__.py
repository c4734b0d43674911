"""French by default, English on the switch. Words come from the specification.

Each area of the app keeps its texts in its own module here (FR and EN dicts with the
same keys); they are merged below.
"""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import audience, billing, console, core
from bgotocall.i18n import voice
from bgotocall.i18n import campaigns
from bgotocall.i18n import settings
from bgotocall.i18n import messaging
from bgotocall.i18n import reports
from bgotocall.i18n import calls
from bgotocall.i18n import conversations, inbound, wallboard
from bgotocall.i18n import softphone

_MODULES = [core, audience, billing, console, voice, campaigns, settings, messaging, reports, calls,
            conversations, inbound, wallboard, softphone]

FR: dict[str, str] = {}
EN: dict[str, str] = {}
for _module in _MODULES:
    assert _module.FR.keys() == _module.EN.keys(), set(_module.FR) ^ set(_module.EN)
    assert not FR.keys() & _module.FR.keys(), FR.keys() & _module.FR.keys()
    FR.update(_module.FR)
    EN.update(_module.EN)


def t(key: str) -> rx.Var:
    """The text of `key` in the language chosen in the browser."""
    from bgotocall.state.session import SessionState

    return rx.cond(SessionState.lang == "en", EN[key], FR[key])
