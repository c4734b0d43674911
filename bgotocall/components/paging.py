"""Previous / page n of m / next, under a list whose state has SearchPagesMixin."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t


def page_nav(state, testid: str) -> rx.Component:
    return rx.hstack(
        rx.button(t("sa.prev"), variant="soft", on_click=state.go_page(-1), disabled=state.page == 0),
        rx.text(state.page + 1, " / ", state.last_page + 1, size="2"),
        rx.button(t("sa.next"), variant="soft", on_click=state.go_page(1), disabled=state.page >= state.last_page),
        align="center", spacing="3", data_testid=testid)
