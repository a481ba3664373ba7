"""What every page object shares: the browser page, the target, and the contract's names for one screen."""

from __future__ import annotations

import re
from typing import ClassVar

from playwright.sync_api import FrameLocator, Locator, Page

from loginspec.targets import Target


class Screen:
    screen: ClassVar[str]
    """The contract's name for this screen (a table under [screens])."""

    def __init__(self, page: Page, target: Target) -> None:
        self.page = page
        self.target = target
        self.contract = target.contract

    def control(self, key: str, scope: Page | Locator | FrameLocator | None = None, **values: str) -> Locator:
        """The control the contract calls `key` on this screen, within `scope` (the page by default)."""
        return self.contract.control(self.screen, key).locate(scope or self.page, **values)

    def wording(self, key: str, **values: object) -> re.Pattern[str]:
        return self.contract.wording(key).regex(**values)
