"""The pages of each role's sidebar. Sections still to come say so in plain words."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from bgotocall.components.shell import empty_state, page_header, role_shell
from bgotocall.state.session import SessionState


@dataclass(frozen=True)
class Section:
    route: str
    title_key: str
    context_key: str
    icon: str
    guard: object


SECTIONS = [
    Section("/parametres", "nav.settings", "settings.context", "settings",
            SessionState.enter_tenant_settings),
    Section("/supervision", "nav.supervision", "supervision.context", "activity",
            SessionState.enter_supervision),
]


def section_page(section: Section):
    def page() -> rx.Component:
        return role_shell(page_header(section.title_key, section.context_key),
                          empty_state(section.icon, "soon"))
    return page
