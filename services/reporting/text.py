"""Figures as the French screens and the synthesis PDF show them."""
from __future__ import annotations

from services.billing.money import format_money
from services.reporting.figures import Figures

DASH = "—"


def number(value: int | float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}".replace(".", ",") + " %"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return DASH
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def costs(amounts: dict[str, int]) -> str:
    return " · ".join(format_money(v, c) for c, v in sorted(amounts.items())) or "0"


def summary(f: Figures) -> dict[str, str]:
    """The summary cards' values, by key (the page's labels come from bgotocall.i18n)."""
    return {
        "volume": number(f.volume), "calls": number(f.calls), "messages": number(f.messages),
        "progress": pct(f.progress_pct), "remaining": number(f.remaining),
        "attempted": pct(f.attempted_rate), "reached": pct(f.reached_rate),
        "success": pct(f.success_rate), "dmt": duration(f.dmt_seconds),
        "talk": duration(f.talk_seconds), "wait": duration(f.avg_wait_seconds),
        "sla": pct(f.sla_pct), "abandon": pct(f.abandon_rate), "cost": costs(f.costs),
    }
