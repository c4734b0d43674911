"""Setting a super admin switch for one test, and putting the platform back as it was."""
from __future__ import annotations

from contextlib import contextmanager

from services.db.engine import platform_session
from services.models.billing import PlatformOption


@contextmanager
def restored_switch(key: str):
    """Whatever the test sets for `key`, the stored option is restored afterwards."""
    with platform_session() as s:
        before = s.get(PlatformOption, key)
        saved = dict(before.value) if before else None
    try:
        yield
    finally:
        with platform_session() as s:
            row = s.get(PlatformOption, key)
            if saved is None and row is not None:
                s.delete(row)
            elif saved is not None:
                row = row or PlatformOption(key=key)
                row.value = saved
                s.add(row)


@contextmanager
def switch_set(key: str, on: bool):
    from services.onboarding.options import set_platform_switch
    from services.models.platform import Role
    from tests.support.accounts import context_for

    with restored_switch(key):
        set_platform_switch(context_for(None, Role.SUPER_ADMIN), key, on)
        yield


@contextmanager
def restored_prices(currency: str):
    """The currency's price list is put back as it was after the test edits it."""
    from sqlmodel import select

    from services.models.billing import PriceItem

    with platform_session() as s:
        saved = {r.item: r.unit_amount for r in
                 s.exec(select(PriceItem).where(PriceItem.currency == currency))}
    try:
        yield saved
    finally:
        with platform_session() as s:
            for row in s.exec(select(PriceItem).where(PriceItem.currency == currency)):
                if row.item in saved:
                    row.unit_amount = saved[row.item]
                    s.add(row)
                else:
                    s.delete(row)
