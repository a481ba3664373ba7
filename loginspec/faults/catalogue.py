"""Faults as data: one TOML file per fault in `faults/`.

    # faults/act-2-link-outlives-48-hours.toml
    ids = ["ACT-2"]
    effect = "An activation link still opens the password page a second after its 48 hours."

    [[change]]
    file = "reference_app/tokens.py"
    find = '    if now >= row["expires_at"]:'
    replace = '    if now > row["expires_at"]:'

`find` must occur exactly once in `file` (a path under reference_app/), so a fault either applies
cleanly or is reported broken; it never lands somewhere else after a code change.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .. import catalogue

PROJECT_DIR = Path(__file__).resolve().parents[2]
FAULTS_DIR = PROJECT_DIR / "faults"
TARGET_PACKAGE = "reference_app"


class FaultError(Exception):
    """The fault file is malformed, or the fault no longer applies to the tree."""


@dataclass(frozen=True)
class Change:
    file: str
    find: str
    replace: str


@dataclass(frozen=True)
class Fault:
    name: str
    ids: tuple[str, ...]
    effect: str
    changes: tuple[Change, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(change.file for change in self.changes))


def load(path: Path) -> Fault:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise FaultError(f"{path.name}: cannot be read: {error}") from error
    ids = document.get("ids")
    effect = document.get("effect")
    raw_changes = document.get("change")
    if not isinstance(ids, list) or not ids or not all(isinstance(item, str) for item in ids):
        raise FaultError(f"{path.name}: 'ids' must be a non-empty list of catalogue IDs")
    unknown = [item for item in ids if not catalogue.is_catalogue_id(item)]
    if unknown:
        raise FaultError(f"{path.name}: not catalogue IDs: {', '.join(unknown)}")
    if not isinstance(effect, str) or not effect.strip():
        raise FaultError(f"{path.name}: 'effect' must say, in a sentence, what a user or attacker would see")
    if not isinstance(raw_changes, list) or not raw_changes:
        raise FaultError(f"{path.name}: at least one [[change]] is needed")
    changes = []
    for number, raw in enumerate(raw_changes, start=1):
        raw_values = {key: raw.get(key) for key in ("file", "find", "replace")} if isinstance(raw, dict) else {}
        values = {key: value for key, value in raw_values.items() if isinstance(value, str)}
        if len(values) != 3:
            raise FaultError(f"{path.name}: change {number} needs 'file', 'find' and 'replace' strings")
        if not values["file"].startswith(TARGET_PACKAGE + "/") or ".." in Path(values["file"]).parts:
            raise FaultError(f"{path.name}: change {number} must change a file under {TARGET_PACKAGE}/")
        if not values["find"] or values["find"] == values["replace"]:
            raise FaultError(f"{path.name}: change {number} must replace some text with other text")
        changes.append(Change(values["file"], values["find"], values["replace"]))
    return Fault(path.stem, tuple(ids), " ".join(effect.split()), tuple(changes))


def load_all(directory: Path = FAULTS_DIR) -> list[Fault]:
    return [load(path) for path in sorted(directory.glob("*.toml"))]


def apply(fault: Fault, tree: Path) -> None:
    """Change the files of `tree` (a copy of the project) as the fault says; FaultError if it no longer applies.

    Changes apply in order, each to the text the previous ones left; nothing is written unless all apply.
    """
    texts: dict[str, str] = {}
    for number, change in enumerate(fault.changes, start=1):
        path = tree / change.file
        if change.file not in texts:
            if not path.is_file():
                raise FaultError(f"{fault.name}: change {number}: {change.file} does not exist")
            texts[change.file] = path.read_text(encoding="utf-8")
        occurrences = texts[change.file].count(change.find)
        if occurrences != 1:
            where = "not found" if occurrences == 0 else f"found {occurrences} times"
            raise FaultError(f"{fault.name}: change {number}: the text to change is {where} in {change.file}")
        texts[change.file] = texts[change.file].replace(change.find, change.replace)
    for file, text in texts.items():
        if file.endswith(".py"):
            try:
                compile(text, file, "exec")
            except SyntaxError as error:
                raise FaultError(f"{fault.name}: {file} no longer compiles: {error}") from error
    for file, text in texts.items():
        (tree / file).write_text(text, encoding="utf-8")


def apply_to_copy(fault: Fault, source: Path = PROJECT_DIR) -> None:
    """Apply the fault to a throw-away copy of the files it changes: FaultError if it no longer applies."""
    with tempfile.TemporaryDirectory(prefix="loginspec-fault-") as scratch:
        for file in fault.files:
            if (source / file).is_file():
                (Path(scratch) / file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / file, Path(scratch) / file)
        apply(fault, Path(scratch))
