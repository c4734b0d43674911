"""Lists shown a page at a time, with or without a search box: the state's part."""
from __future__ import annotations

from typing import ClassVar

import reflex as rx


class PagesMixin(rx.State, mixin=True):
    """`load()` shows page `page` (from 0) and sets `total`."""
    _page_size: ClassVar[int] = 20
    page: int = 0
    total: int = 0

    @rx.var
    def last_page(self) -> int:
        return max(0, (self.total - 1) // self._page_size)

    def load(self):
        raise NotImplementedError

    @rx.event
    def go_page(self, delta: int):
        self.page = min(max(0, self.page + delta), self.last_page)
        self.load()


class SearchPagesMixin(PagesMixin, mixin=True):
    """…of what matches `search`."""
    search: str = ""

    @rx.event
    def set_search(self, value: str):
        self.search, self.page = value[:100], 0
        self.load()
