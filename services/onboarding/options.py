"""Platform switches the super admin sets (stored in platform.platform_option).

Each switch has a default: free-mail sign-ups are refused; remote contact databases on
private or loopback addresses are refused unless BGC_ALLOW_PRIVATE_DB_SOURCES says
otherwise. Once the super admin sets a switch, the stored value wins.
"""
from __future__ import annotations

from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import PlatformOption
from services.settings import get_settings

FREE_MAIL = "signup.free_mail_allowed"
PRIVATE_DB_SOURCES = "audience.private_db_sources_allowed"
SWITCHES = (FREE_MAIL, PRIVATE_DB_SOURCES)


def _default(key: str) -> bool:
    return get_settings().allow_private_db_sources if key == PRIVATE_DB_SOURCES else False


def switch_is_on(key: str) -> bool:
    with platform_session() as s:
        option = s.get(PlatformOption, key)
        return bool(option.value.get("allowed")) if option else _default(key)


def platform_switches(ctx: AuthContext) -> dict[str, bool]:
    access_area(ctx, "platform")
    return {key: switch_is_on(key) for key in SWITCHES}


def set_platform_switch(ctx: AuthContext, key: str, on: bool) -> None:
    access_area(ctx, "platform")
    if key not in SWITCHES:
        raise KeyError(key)
    with platform_session() as s:
        option = s.get(PlatformOption, key) or PlatformOption(key=key)
        option.value = {"allowed": bool(on)}
        s.add(option)


def private_db_sources_allowed() -> bool:
    return switch_is_on(PRIVATE_DB_SOURCES)
