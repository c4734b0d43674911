"""A list with a search box and pages (super admin consoles): the state's part."""
from __future__ import annotations

from typing import ClassVar

import reflex as rx


class SearchPagesMixin(rx.State, mixin=True):
    """`load()` shows page `page` (from 0) of what matches `search` and sets `total`."""
    _page_size: ClassVar[int] = 20
    search: str = ""
    page: int = 0
    total: int = 0

    @rx.var
    def last_page(self) -> int:
        return max(0, (self.total - 1) // self._page_size)

    def load(self):
        raise NotImplementedError

    @rx.event
    def set_search(self, value: str):
        self.search, self.page = value[:100], 0
        self.load()

    @rx.event
    def go_page(self, delta: int):
        self.page = min(max(0, self.page + delta), self.last_page)
        self.load()
