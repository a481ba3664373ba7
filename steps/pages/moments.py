"""Moments within a step when a person has a screen before them and is about to act on it.

A step ends on most screens a scenario shows; a few it only passes through (a provider's page asking for
the email address, the Forgot your password? form, both filled in and sent within one step). Page objects
say when they have such a screen before them, and whoever watches the page looks at it then: with
--doc-screenshots, the help page's pictures and labels (see steps/pictures.py). Nobody watches otherwise,
and saying so then costs a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page, expect

_WATCHERS: WeakKeyDictionary[Page, Callable[[], None]] = WeakKeyDictionary()


def watch(page: Page, watcher: Callable[[], None]) -> None:
    _WATCHERS[page] = watcher


def shown(page: Page, once_visible: Locator | None = None) -> None:
    """The page shows a screen a person looks at before acting on it (once `once_visible` shows, if given:
    the action that follows would wait for it anyway, so only a watcher waits for it here)."""
    watcher = _WATCHERS.get(page)
    if watcher is not None:
        if once_visible is not None:
            expect(once_visible).to_be_visible()
        watcher()
