"""The README says what the code does: its UI-contract section is the contract file's, and the
walk-through for another deployment holds the very commands scripts/try-external-target runs."""

from __future__ import annotations

import re
from pathlib import Path

from loginspec.contract import load
from loginspec.contract.readme import README, rewritten

PROJECT = Path(__file__).resolve().parents[2]
WALK_THROUGH = PROJECT / "scripts" / "try-external-target"


def test_the_ui_contract_section_is_generated_from_the_contract() -> None:
    text = README.read_text(encoding="utf-8")
    assert rewritten(text, load("en")) == text, "run: .venv/bin/python -m loginspec.contract.readme"


def _commands(script: str) -> list[str]:
    """The commands between the script's README markers, continuation lines joined, job control left out."""
    block = script.split("# --- begin README commands ---")[1].split("# --- end README commands ---")[0]
    joined = re.sub(r"\\\n\s*", "", block)
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith(("pids+=", "#")):
            continue
        commands.append(line.removesuffix("&").strip())
    return commands


def test_the_walk_through_runs_the_readmes_commands() -> None:
    readme = re.sub(r"\\\n\s*", "", README.read_text(encoding="utf-8"))
    commands = _commands(WALK_THROUGH.read_text(encoding="utf-8"))
    assert len(commands) >= 6
    missing = [command for command in commands if command not in readme]
    assert not missing, f"the README lacks these commands of {WALK_THROUGH.name}: {missing}"


def test_the_walk_throughs_target_file_is_the_one_the_readme_shows() -> None:
    example = (PROJECT / "examples" / "external-target.toml").read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    settings = [line for line in example.splitlines() if line and not line.startswith("#")]
    shown = {line.split("#")[0].strip() for line in readme.splitlines()}
    missing = [line for line in settings if line.strip() not in shown]
    assert not missing, f"examples/external-target.toml says what the README does not: {missing}"
