"""What the CRM shows when single sign-on fails."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


class SingleSignOnFailedPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def message(self) -> Locator:
        return self.page.get_by_role("alert").filter(has_text=re.compile(r"IT support", re.IGNORECASE))
