"""Finding a Chromium to drive, and how to start it.

Playwright's own Chromium is preferred where it is installed; otherwise the
system's. For headless runs the old headless shell (Debian's
`chromium-headless-shell`, what Playwright itself uses headless) comes first: it
needs a third to a fifth of the CPU of full Chromium per page, which decides how
fast the suite runs on a small machine. An explicit path (option or
LOGINSPEC_CHROMIUM) wins over all.
"""

from __future__ import annotations

import os
from pathlib import Path

ENVIRONMENT_VARIABLE = "LOGINSPEC_CHROMIUM"
SYSTEM_HEADLESS_SHELLS = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium-headless-shell",
)
SYSTEM_CHROMIUMS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
)
QUIET_FLAGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class BrowserNotFound(Exception):
    pass


def find_chromium(explicit: str | None, bundled_executable: str | None, headless: bool = True) -> str | None:
    """The Chromium executable to launch, or None for Playwright's bundled one."""
    chosen = explicit or os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        if not Path(chosen).is_file():
            raise BrowserNotFound(f"no browser at {chosen} (from --chromium or {ENVIRONMENT_VARIABLE})")
        return chosen
    if bundled_executable and Path(bundled_executable).is_file():
        return None
    for candidate in (SYSTEM_HEADLESS_SHELLS if headless else ()) + SYSTEM_CHROMIUMS:
        if Path(candidate).is_file():
            return candidate
    raise BrowserNotFound(
        "no Chromium found: run `playwright install chromium`, or install your system's Chromium "
        f"(Debian: apt-get install chromium-headless-shell chromium), or point {ENVIRONMENT_VARIABLE} at one"
    )


def is_cdp_endpoint(endpoint: str) -> bool:
    """A Chrome DevTools endpoint (http://host:9222, or its ws://…/devtools/browser/… address), rather than
    a Playwright browser server."""
    return endpoint.startswith(("http://", "https://")) or "/devtools/browser/" in endpoint


def launch_arguments(host_resolver_rules: str | None, pinned_keys: tuple[str, ...] = ()) -> list[str]:
    """`pinned_keys`: the SPKI pins (base64 SHA-256) of the certificates issued by an authority the run
    trusts (loginspec.tls); Chromium accepts those certificates, and still refuses every other error."""
    arguments = list(QUIET_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        arguments.append("--no-sandbox")
    if host_resolver_rules:
        arguments.append(f"--host-resolver-rules={host_resolver_rules}")
    if pinned_keys:
        arguments.append(f"--ignore-certificate-errors-spki-list={','.join(pinned_keys)}")
    return arguments


def main() -> int:
    """`python -m loginspec.browsers`: which Chromium the suite will drive, checked by launching it and
    opening a page (a file that is there but cannot start, for want of a library, counts as none); exit 1
    with the reason otherwise."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        bundled = playwright.chromium.executable_path
        try:
            chosen = find_chromium(None, bundled)
            browser = playwright.chromium.launch(executable_path=chosen, args=launch_arguments(None))
            try:
                page = browser.new_page()
                page.set_content("<title>ok</title>")
                if page.title() != "ok":
                    raise BrowserNotFound("it started but did not render a page")
            finally:
                browser.close()
        except BrowserNotFound as error:
            print(error)
            return 1
        except Error as error:
            print(f"Chromium at {chosen or bundled} does not start: {error.message.splitlines()[0]}")
            return 1
    print(f"Chromium: {chosen or bundled + ' (Playwright)'} (started and rendered a page)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
