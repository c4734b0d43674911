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
    Section("/plateforme", "nav.platform", "platform.context", "layout-dashboard",
            SessionState.enter_platform),
    Section("/plateforme/tarifs", "nav.prices", "prices.context", "badge-euro",
            SessionState.enter_platform),
    Section("/plateforme/provisionnement", "nav.provisioning", "provisioning.context",
            "server-cog", SessionState.enter_platform),
    Section("/tableau-de-bord", "nav.dashboard", "dashboard.context", "layout-dashboard",
            SessionState.enter_billing),
    Section("/parametres", "nav.settings", "settings.context", "settings",
            SessionState.enter_tenant_settings),
    Section("/supervision", "nav.supervision", "supervision.context", "activity",
            SessionState.enter_supervision),
    Section("/campagnes", "nav.campaigns", "campaigns.context", "megaphone",
            SessionState.enter_supervision),
]


def section_page(section: Section):
    def page() -> rx.Component:
        return role_shell(page_header(section.title_key, section.context_key),
                          empty_state(section.icon, "soon"))
    return page
