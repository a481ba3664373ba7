"""The UI contract: what a target must show for the conformance suite to find it, as data.

A contract file (one per language: `en.toml`, `nb.toml`) names every control by role and
accessible name, every wording the steps match, every role name and number the scenarios assume,
and the capabilities some scenarios need beyond what a user sees. A target file's `[contract]`
table chooses the file and overrides any entry. Page objects and steps take everything from here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import FrameLocator, Locator, Page

CONTRACT_DIR = Path(__file__).parent
PROVIDERS_FILE = CONTRACT_DIR / "providers.toml"
NOT_CHECKABLE = "not checkable on this target"

AriaRole = Literal[
    "alert", "alertdialog", "application", "article", "banner", "blockquote", "button", "caption", "cell",
    "checkbox", "code", "columnheader", "combobox", "complementary", "contentinfo", "definition", "deletion",
    "dialog", "directory", "document", "emphasis", "feed", "figure", "form", "generic", "grid", "gridcell",
    "group", "heading", "img", "insertion", "link", "list", "listbox", "listitem", "log", "main", "marquee",
    "math", "menu", "menubar", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "navigation", "none",
    "note", "option", "paragraph", "presentation", "progressbar", "radio", "radiogroup", "region", "row",
    "rowgroup", "rowheader", "scrollbar", "search", "searchbox", "separator", "slider", "spinbutton", "status",
    "strong", "subscript", "superscript", "switch", "tab", "table", "tablist", "tabpanel", "term", "textbox",
    "time", "timer", "toolbar", "tooltip", "tree", "treegrid", "treeitem",
]  # fmt: skip


class ContractError(Exception):
    """A contract file, or a target file's overrides, say something the suite cannot use."""


class NotCheckable(Exception):
    """The target lacks a capability a scenario needs: the scenario is reported as not checkable."""


@dataclass(frozen=True)
class Control:
    """How a person finds one thing on a screen: a role and its accessible name, or a field's label."""

    where: str
    role: str | None = None
    name: str | None = None
    pattern: str | None = None
    label: str | None = None

    def locate(self, scope: Page | Locator | FrameLocator, **values: str) -> Locator:
        if self.label is not None:
            return scope.get_by_label(self.label.format(**values), exact=True)
        role: Any = self.role
        if self.name is not None:
            return scope.get_by_role(role, name=self.name.format(**values), exact=True)
        if self.pattern is not None:
            escaped = {key: re.escape(value) for key, value in values.items()}
            return scope.get_by_role(role, name=re.compile(self.pattern.format(**escaped), re.IGNORECASE))
        return scope.get_by_role(role)


@dataclass(frozen=True)
class Wording:
    key: str
    pattern: str
    purpose: str

    def regex(self, **values: object) -> re.Pattern[str]:
        escaped = {key: re.escape(str(value)) for key, value in values.items()}
        return re.compile(self.pattern.format(**escaped), re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    key: str
    value: float
    id: str
    meaning: str


@dataclass(frozen=True)
class Capability:
    key: str
    description: str
    absent_because: str | None = None

    @property
    def present(self) -> bool:
        return self.absent_because is None


class Contract:
    def __init__(self, document: dict[str, Any], providers: dict[str, Any], source: str) -> None:
        self.source = source
        self.document = document
        self.language = str(document.get("contract", {}).get("language", ""))
        self.screens = {
            screen: {key: _control(f"{screen}.{key}", value) for key, value in controls.items()}
            for screen, controls in _section(document, "screens").items()
        }
        self.providers = {
            kind: {key: _control(f"{kind}.{key}", value) for key, value in controls.items()}
            for kind, controls in providers.items()
        }
        self.wordings = {key: _wording(key, value) for key, value in _section(document, "wordings").items()}
        self.numbers = {key: _number(key, value) for key, value in _section(document, "numbers").items()}
        self.capabilities = {key: _capability(key, value) for key, value in _section(document, "capabilities").items()}
        self.roles: dict[str, str] = _strings(document, "roles")
        self.email_links: dict[str, str] = _strings(document, "email_links")
        self.provider_names: dict[str, str] = _strings(document, "provider_names")
        self.revealing_words: tuple[str, ...] = tuple(
            str(word) for word in _section(document, "revealing_words").get("words", [])
        )

    def control(self, screen: str, key: str) -> Control:
        try:
            return self.screens[screen][key]
        except KeyError:
            raise ContractError(f"{self.source} has no control {screen}.{key}") from None

    def provider_control(self, kind: str, key: str) -> Control:
        try:
            return self.providers[kind][key]
        except KeyError:
            raise ContractError(f"the providers' contract has no control {kind}.{key}") from None

    def wording(self, key: str) -> Wording:
        try:
            return self.wordings[key]
        except KeyError:
            raise ContractError(f"{self.source} has no wording {key}") from None

    def number(self, key: str) -> float:
        try:
            return self.numbers[key].value
        except KeyError:
            raise ContractError(f"{self.source} has no number {key}") from None

    def role(self, name: str) -> str:
        return _lookup(self.roles, name, f"{self.source} has no role {name!r}")

    def email_link(self, label: str) -> str:
        return _lookup(self.email_links, label, f"{self.source} has no email link {label!r}")

    def provider_name(self, kind: str) -> str:
        return _lookup(self.provider_names, kind, f"{self.source} has no provider name for {kind!r}")

    def offers(self, capability: str) -> bool:
        """Whether the target has a capability that only makes scenarios take a quicker way; an older
        contract file that does not know it yet offers it not."""
        found = self.capabilities.get(capability)
        return found is not None and found.present

    def require(self, capability: str) -> None:
        """Go on if the target has this capability; otherwise the scenario is not checkable here."""
        try:
            found = self.capabilities[capability]
        except KeyError:
            raise ContractError(f"{self.source} has no capability {capability!r}") from None
        if not found.present:
            raise NotCheckable(f"{NOT_CHECKABLE}: it lacks {capability} ({found.absent_because})")


def _lookup(table: dict[str, str], key: str, problem: str) -> str:
    try:
        return table[key]
    except KeyError:
        raise ContractError(problem) from None


def _section(document: dict[str, Any], name: str) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ContractError(f"[{name}] must be a table")
    return value


def _strings(document: dict[str, Any], name: str) -> dict[str, str]:
    table = _section(document, name)
    if not all(isinstance(value, str) for value in table.values()):
        raise ContractError(f"[{name}] must map names to strings")
    return dict(table)


def _control(where: str, value: Any) -> Control:
    if not isinstance(value, dict) or not set(value) <= {"role", "name", "pattern", "label"}:
        raise ContractError(f"{where} must be a table of role, name, pattern or label")
    if not all(isinstance(item, str) for item in value.values()):
        raise ContractError(f"{where}: role, name, pattern and label are strings")
    control = Control(where, **value)
    if control.label is None and control.role is None:
        raise ContractError(f"{where} needs a role (with a name or pattern) or a label")
    if control.name is not None and control.pattern is not None:
        raise ContractError(f"{where} has both a name and a pattern: choose one")
    if control.pattern is not None:
        _compiles(where, control.pattern)
    return control


def _compiles(where: str, pattern: str) -> None:
    try:
        re.compile(re.sub(r"\{\w+\}", "x", pattern))
    except re.error as error:
        raise ContractError(f"{where}: the pattern {pattern!r} is not a regular expression: {error}") from None


def _wording(key: str, value: Any) -> Wording:
    if isinstance(value, str):
        value = {"pattern": value, "purpose": ""}
    if not isinstance(value, dict) or not isinstance(value.get("pattern"), str):
        raise ContractError(f"wordings.{key} needs a pattern")
    _compiles(f"wordings.{key}", value["pattern"])
    return Wording(key, value["pattern"], str(value.get("purpose", "")))


def _number(key: str, value: Any) -> Number:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = {"value": value}
    if not isinstance(value, dict) or not isinstance(value.get("value"), int | float) or value["value"] <= 0:
        raise ContractError(f"numbers.{key} needs a positive value")
    return Number(key, value["value"], str(value.get("id", "")), str(value.get("meaning", "")))


def _capability(key: str, value: Any) -> Capability:
    """In a contract file, a capability is its description; in a target file's overrides, `false` or a
    table with `absent_because` declares it absent."""
    if isinstance(value, str):
        return Capability(key, value)
    if isinstance(value, dict) and isinstance(value.get("description"), str):
        reason = value.get("absent_because")
        if reason is not None and not (isinstance(reason, str) and reason.strip()):
            raise ContractError(f"capabilities.{key}.absent_because must say why")
        return Capability(key, value["description"], reason)
    raise ContractError(f"capabilities.{key} must be a description, or a table with description and absent_because")


def merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`base` with `overrides` laid over it, table by table."""
    result = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def _absent_capabilities(document: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
    """A target file says `capabilities.storage_audit = "why it is absent"`: keep the contract's description."""
    result = dict(declared)
    known = _section(document, "capabilities")
    for key, value in declared.items():
        if key not in known:
            raise ContractError(f"the target file declares an unknown capability {key!r}")
        if isinstance(value, str):
            result[key] = {"description": known[key], "absent_because": value}
        else:
            raise ContractError(f"capabilities.{key}: say in a string why the target lacks it")
    return result


@cache
def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ContractError(f"cannot read the contract {path}: {error}") from error


def contract_path(language_or_path: str, relative_to: Path | None = None) -> Path:
    """`en` or `nb` name a bundled contract; anything else is a file path (relative to the target file)."""
    bundled = CONTRACT_DIR / f"{language_or_path}.toml"
    if re.fullmatch(r"[a-z]{2,3}", language_or_path) and bundled.is_file():
        return bundled
    path = Path(language_or_path)
    return path if path.is_absolute() or relative_to is None else relative_to / path


def load(
    language_or_path: str = "en", overrides: dict[str, Any] | None = None, relative_to: Path | None = None
) -> Contract:
    """The contract a target is judged by: a bundled language or a file, with a target file's overrides."""
    path = contract_path(language_or_path, relative_to)
    document = _read(path)
    overrides = dict(overrides or {})
    overrides.pop("file", None)
    if "capabilities" in overrides:
        overrides["capabilities"] = _absent_capabilities(document, _section(overrides, "capabilities"))
    if "numbers" in overrides:  # `numbers.idle_timeout_minutes = 15` keeps the entry's ID and meaning
        overrides["numbers"] = {
            key: {"value": value} if isinstance(value, int | float) else value
            for key, value in _section(overrides, "numbers").items()
        }
    combined = merged(document, overrides)
    # A control is replaced as a whole: a name given in its place must not keep the old pattern.
    for screen, controls in _section(overrides, "screens").items():
        for key, control in (controls if isinstance(controls, dict) else {}).items():
            combined["screens"][screen][key] = control
    return Contract(combined, _read(PROVIDERS_FILE), str(path))
