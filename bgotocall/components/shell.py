"""One shell per role: a sidebar with the role's sections and a top bar."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.wallet import wallet_banner, wallet_chip
from bgotocall.i18n import t
from bgotocall.state.notices import NoticeState
from bgotocall.state.session import SessionState

# (label key, icon, route) per role; the agent's shell is the panel itself.
NAVIGATION: dict[str, list[tuple[str, str, str]]] = {
    "SUPER_ADMIN": [
        ("nav.platform", "layout-dashboard", "/plateforme"),
        ("nav.tenants", "building-2", "/plateforme/instances"),
        ("nav.prices", "badge-euro", "/plateforme/tarifs"),
        ("nav.provisioning", "server-cog", "/plateforme/provisionnement"),
    ],
    "ADMIN": [
        ("nav.dashboard", "layout-dashboard", "/tableau-de-bord"),
        ("stats.nav", "chart-column", "/statistiques"),
        ("nav.campaigns", "megaphone", "/campagnes"),
        ("campaigns.new", "circle-plus", "/campagnes/nouvelle"),
        ("nav.audience", "contact", "/audience"),
        ("nav.teams", "users", "/equipes"),
        ("voice.nav.agents", "headset", "/agents"),
        ("nav.supervision", "activity", "/supervision"),
        ("voice.nav.live", "radio", "/supervision/agents"),
        ("voice.nav.assign", "arrow-left-right", "/supervision/affectation"),
        ("wall.nav", "monitor", "/mur"),
        ("ivr.nav", "phone-incoming", "/serveur-vocal"),
        ("nav.conversations", "messages-square", "/conversations"),
        ("nav.blacklist", "ban", "/liste-noire"),
        ("nav.billing", "wallet", "/facturation"),
        ("nav.documents", "file-text", "/documents"),
        ("nav.settings", "settings", "/parametres"),
    ],
    "SUPERVISOR": [
        ("nav.supervision", "activity", "/supervision"),
        ("voice.nav.live", "radio", "/supervision/agents"),
        ("voice.nav.assign", "arrow-left-right", "/supervision/affectation"),
        ("wall.nav", "monitor", "/mur"),
        ("ivr.nav", "phone-incoming", "/serveur-vocal"),
        ("nav.conversations", "messages-square", "/conversations"),
        ("nav.campaigns", "megaphone", "/campagnes"),
        ("campaigns.new", "circle-plus", "/campagnes/nouvelle"),
        ("nav.audience", "contact", "/audience"),
        ("nav.teams", "users", "/equipes"),
        ("voice.nav.agents", "headset", "/agents"),
        ("stats.nav", "chart-column", "/statistiques"),
        ("nav.blacklist", "ban", "/liste-noire"),
    ],
}


def _nav_link(label_key: str, icon: str, route: str) -> rx.Component:
    active = SessionState.router.page.path == route
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(t(label_key), size="2"), spacing="3",
                  align="center"),
        href=route, underline="none",
        color=rx.cond(active, rx.color("indigo", 11), rx.color("gray", 12)),
        background=rx.cond(active, rx.color("indigo", 3), "transparent"),
        padding="0.5rem 0.75rem", border_radius="8px", width="100%",
        data_testid=f"nav-{route.strip('/').replace('/', '-')}",
    )


def _sidebar() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.icon("phone-call", color=rx.color("indigo", 9)),
                  rx.heading("B-GOTOCALL", size="4"), align="center", padding="0.5rem"),
        rx.match(
            SessionState.role,
            *[(role, rx.vstack(*[_nav_link(*item) for item in items], width="100%",
                               spacing="1"))
              for role, items in NAVIGATION.items()],
            rx.fragment(),
        ),
        width="240px", min_width="240px", height="100vh", padding="1rem",
        border_right=f"1px solid {rx.color('gray', 5)}", background=rx.color("gray", 1),
        spacing="4", position="sticky", top="0", data_testid="sidebar",
    )


def language_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("FR", value="fr"),
        rx.segmented_control.item("EN", value="en"),
        value=SessionState.lang, on_change=SessionState.set_language, size="1",
        data_testid="language-switch",
    )


def _user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button(
            rx.icon("circle-user", size=18), rx.text(SessionState.user_name),
            variant="ghost", data_testid="user-menu")),
        rx.menu.content(
            rx.box(rx.text(SessionState.user_email, size="2"),
                   rx.text(rx.match(SessionState.role,
                                    *[(r, t(f"role.{r}")) for r in
                                      ("SUPER_ADMIN", "ADMIN", "SUPERVISOR", "AGENT")], ""),
                           size="1", color=rx.color("gray", 11), data_testid="user-role"),
                   padding="0.25rem 0.5rem"),
            rx.menu.separator(),
            rx.menu.item(rx.icon("log-out", size=16), t("menu.logout"),
                         on_select=SessionState.log_out, data_testid="logout"),
        ),
    )


def live_notice() -> rx.Component:
    return rx.cond(
        NoticeState.notice != "",
        rx.callout.root(
            rx.hstack(
                rx.callout.icon(rx.icon("bell-ring")),
                rx.callout.text(NoticeState.notice, data_testid="live-notice"),
                rx.spacer(),
                rx.icon_button(rx.icon("x", size=14), variant="ghost", size="1",
                               on_click=NoticeState.dismiss, aria_label="Fermer"),
                align="center", width="100%"),
            color_scheme="indigo", width="100%", role="status"),
    )


def top_bar() -> rx.Component:
    return rx.vstack(_bar(), live_notice(), wallet_banner(), width="100%", spacing="0")


def _bar() -> rx.Component:
    return rx.hstack(
        rx.text(SessionState.tenant_name, weight="bold", size="3", data_testid="company"),
        rx.spacer(),
        wallet_chip(),
        language_switch(),
        _user_menu(),
        align="center", width="100%", padding="0.75rem 1.5rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}", background="white",
    )


def page_header(title_key: str, context_key: str, action: rx.Component | None = None):
    return rx.hstack(
        rx.vstack(rx.heading(t(title_key), size="6", data_testid="page-title"),
                  rx.text(t(context_key), color=rx.color("gray", 11), size="2"),
                  spacing="1"),
        rx.spacer(), action or rx.fragment(), width="100%", align="end",
    )


def role_shell(*children: rx.Component) -> rx.Component:
    """Sidebar + top bar around a page of the admin, supervisor or super admin."""
    return rx.hstack(
        _sidebar(),
        rx.vstack(top_bar(),
                  rx.vstack(*children, padding="1.5rem 2rem", width="100%", spacing="5",
                            max_width="1200px"),
                  width="100%", spacing="0", min_height="100vh",
                  background=rx.color("gray", 2)),
        spacing="0", width="100%",
    )


def empty_state(icon: str, text_key: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.icon(icon, size=36, color=rx.color("gray", 9)),
                  rx.text(t(text_key), color=rx.color("gray", 11), align="center"),
                  align="center", spacing="3", padding="2rem"),
        width="100%", data_testid="empty-state",
    )
