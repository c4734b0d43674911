"""A figure on a card (home pages): icon, label, big value; a link to its page when `href` is given."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t


def stat_card(icon: str, label_key: str, value, testid: str, href: str = "", alert=False) -> rx.Component:
    body = rx.card(rx.vstack(
        rx.hstack(rx.icon(icon, size=16, color=rx.cond(alert, rx.color("red", 10), rx.color("indigo", 9))),
                  rx.text(t(label_key), size="2", color=rx.color("gray", 11)), align="center"),
        rx.text(value, size="7", weight="bold", color=rx.color("gray", 12), data_testid=testid),
        spacing="1"), width="100%", height="100%")
    return rx.link(body, href=href, underline="none", width="100%", height="100%") if href else body
