"""scripts/setup on a machine already set up: it installs nothing and needs no network (every request to
the network is sent to a closed port here), and still checks the browser by launching it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens, every connection is refused


def test_a_second_run_needs_no_network() -> None:
    first = subprocess.run(["scripts/setup"], cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    offline = {
        **os.environ,
        "http_proxy": NOWHERE,
        "https_proxy": NOWHERE,
        "HTTP_PROXY": NOWHERE,
        "HTTPS_PROXY": NOWHERE,
        "no_proxy": "",
        "NO_PROXY": "",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": "",
        "PLAYWRIGHT_DOWNLOAD_HOST": NOWHERE,
    }
    second = subprocess.run(["scripts/setup"], cwd=PROJECT, capture_output=True, text=True, timeout=120, env=offline)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Installing" not in second.stdout, second.stdout
    assert "started and rendered a page" in second.stdout, second.stdout
