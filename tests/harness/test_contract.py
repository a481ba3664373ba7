"""The UI contract: the files load, a target file can override them, and steps hold no name, wording or
number of their own: everything a step looks for on a target is in the contract."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from loginspec import contract
from loginspec.contract import CONTRACT_DIR, ContractError, NotCheckable

PROJECT = Path(__file__).resolve().parents[2]
STEP_FILES = sorted((PROJECT / "steps").rglob("*.py"))
FEATURE_FILES = sorted((PROJECT / "features").rglob("*.feature"))
LANGUAGES = sorted(path.stem for path in CONTRACT_DIR.glob("*.toml") if path.stem != "providers")

# Playwright calls whose arguments name or match what a target shows.
LOCATING = {
    "get_by_role", "get_by_label", "get_by_text", "get_by_placeholder", "get_by_alt_text", "get_by_title",
    "get_by_test_id", "locator", "filter", "to_have_text", "to_contain_text", "not_to_have_text",
    "not_to_contain_text", "to_have_accessible_name", "select_option", "wait_for_selector", "click", "fill",
}  # fmt: skip
# Module-level patterns that match what the harness knows, not what a target says.
HARNESS_PATTERNS = {"INTERNALS", "BASE64URL", "HEX"}
# The only page a step addresses by markup is the attacker's own page, which the harness writes.
ALLOWED_CALLS = {("frame_locator", "iframe")}


def _literal_strings(node: ast.AST) -> list[str]:
    """The string constants in an expression, except the keys it looks up in the contract."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in KEY_CALLS:
        return []
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    return [text for child in ast.iter_child_nodes(node) for text in _literal_strings(child)]


def _locating_literals(path: Path, root: Path = PROJECT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        for argument in arguments:
            for text in _literal_strings(argument):
                if method in LOCATING and (method, text) not in ALLOWED_CALLS:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {method}({text!r})")
        if method == "compile" and isinstance(node.func.value, ast.Name) and node.func.value.id == "re":
            found.append(f"{path.relative_to(root)}:{node.lineno} re.compile({_literal_strings(node)[:1]})")
    return found


def _module_patterns(path: Path) -> set[int]:
    """Lines of module-level constants the harness owns (their re.compile is allowed)."""
    lines = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(name, ast.Name) and name.id in HARNESS_PATTERNS for name in node.targets
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def test_steps_and_page_objects_hold_no_names_or_wordings_of_their_own() -> None:
    offending = []
    for path in STEP_FILES:
        allowed_lines = _module_patterns(path)
        offending += [
            finding
            for finding in _locating_literals(path)
            if int(finding.split(":")[1].split()[0]) not in allowed_lines
        ]
    assert not offending, "literals a step looks for on the target, not taken from the contract:\n" + "\n".join(
        offending
    )


# Numbers a feature may state: the catalogue's own figures and fixed names, not the target's settings.
CATALOGUE_FIGURES = re.compile(
    r"128 bits|100 characters|72 characters|1 MB|4xx|S256|Argon2id|Microsoft 365|User level 0|6 times"
)


def test_features_state_no_numbers_that_belong_to_the_target() -> None:
    offending = []
    for path in FEATURE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            words = line.strip()
            if not re.match(r"(Given|When|Then|And|But) ", words):
                continue
            bare = CATALOGUE_FIGURES.sub("", re.sub(r'"[^"]*"', "", words))
            if re.search(r"\d", bare):
                offending.append(f"{path.relative_to(PROJECT)}:{number}: {words}")
    assert not offending, "numbers a target decides belong in the contract's [numbers]:\n" + "\n".join(offending)


KEY_CALLS = {"control", "wording", "number", "require", "offers", "provider_control", "role", "email_link"}


def _keys_used() -> dict[str, set[str]]:
    """The contract keys steps name directly: control("log_in"), wording("logged_out"), ..."""
    used: dict[str, set[str]] = {call: set() for call in KEY_CALLS}
    for path in STEP_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in KEY_CALLS:
                literals = [
                    arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                ]
                if literals:
                    used[node.func.attr].add(literals[-1] if node.func.attr == "provider_control" else literals[0])
    return used


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_wording_number_and_capability_steps_name_is_in_the_contract(language: str) -> None:
    loaded = contract.load(language)
    used = _keys_used()
    assert used["wording"] <= set(loaded.wordings), used["wording"] - set(loaded.wordings)
    assert used["number"] <= set(loaded.numbers), used["number"] - set(loaded.numbers)
    assert used["require"] <= set(loaded.capabilities), used["require"] - set(loaded.capabilities)
    assert used["offers"] <= set(loaded.capabilities), used["offers"] - set(loaded.capabilities)
    controls = {key for screen in [*loaded.screens.values(), *loaded.providers.values()] for key in screen}
    assert used["control"] <= controls, used["control"] - controls


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_what_english_has(language: str) -> None:
    english, other = contract.load("en"), contract.load(language)
    for screen, controls in english.screens.items():
        assert set(controls) <= set(other.screens.get(screen, {})), (screen, set(controls) - set(other.screens[screen]))
    assert set(english.wordings) <= set(other.wordings)
    assert set(english.numbers) <= set(other.numbers)
    assert set(english.capabilities) <= set(other.capabilities)
    assert set(english.roles) == set(other.roles)
    assert set(english.email_links) == set(other.email_links)
    assert other.revealing_words


def test_a_number_is_kept_with_the_catalogue_id_it_comes_from() -> None:
    loaded = contract.load("en")
    for number in loaded.numbers.values():
        assert number.id and number.meaning, number
    assert loaded.numbers["password_minimum"].id == "ACT-5"


def test_a_target_file_overrides_entries_and_declares_capabilities_absent() -> None:
    loaded = contract.load(
        "en",
        {
            "numbers": {"idle_timeout_minutes": 15},
            "roles": {"Standard user": "Ordinary user"},
            "screens": {"login": {"log_in": {"role": "button", "name": "Sign in"}}},
            "wordings": {"logged_out": {"pattern": "signed out"}},
            "capabilities": {"storage_audit": "this deployment's control API has no stored-credentials call"},
        },
    )
    assert loaded.number("idle_timeout_minutes") == 15
    assert loaded.numbers["idle_timeout_minutes"].id == "SEC-22"  # the override keeps the entry's ID
    assert loaded.role("Standard user") == "Ordinary user" and loaded.role("User level 0") == "User level 0"
    assert loaded.control("login", "log_in").name == "Sign in"
    assert loaded.wording("logged_out").regex().search("You have signed out")
    with pytest.raises(NotCheckable, match="not checkable on this target: it lacks storage_audit"):
        loaded.require("storage_audit")
    loaded.require("clock_control")


def test_a_capability_that_only_saves_time_is_offered_unless_declared_absent_or_unknown() -> None:
    loaded = contract.load("en")
    assert loaded.offers("provisioned_sessions") and loaded.offers("linked_sso_users")
    absent = contract.load("en", {"capabilities": {"provisioned_sessions": "no sessions through our control API"}})
    assert not absent.offers("provisioned_sessions") and absent.offers("linked_sso_users")
    del loaded.capabilities["provisioned_sessions"]  # as in a contract file written before it existed
    assert not loaded.offers("provisioned_sessions")


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"capabilities": {"teleport": "no"}}, "unknown capability"),
        ({"capabilities": {"storage_audit": True}}, "say in a string why"),
        ({"screens": {"login": {"log_in": {"role": "button", "name": "A", "pattern": "B"}}}}, "both a name"),
        ({"screens": {"login": {"log_in": {"name": "Log in"}}}}, "needs a role"),
        ({"screens": {"login": {"log_in": {"role": "button", "pattern": "(unclosed"}}}}, "not a regular expression"),
        ({"numbers": {"idle_timeout_minutes": -1}}, "positive"),
    ],
)
def test_overrides_a_target_cannot_use_are_refused(overrides: dict, problem: str) -> None:
    with pytest.raises(ContractError, match=problem):
        contract.load("en", overrides)


def test_a_missing_entry_names_itself() -> None:
    loaded = contract.load("en")
    with pytest.raises(ContractError, match="no control login.teleport"):
        loaded.control("login", "teleport")
    with pytest.raises(ContractError, match="no role 'Wizard'"):
        loaded.role("Wizard")


def test_a_wording_fills_in_values_literally() -> None:
    too_short = contract.load("en").wording("too_short").regex(minimum=8)
    assert too_short.search("Use at least 8 characters.") and not too_short.search("Use at least 9 characters.")
    expiry = contract.load("en").wording("activation_expiry").regex(hours=48)
    assert expiry.search("It expires 48 hours after this email was sent")


def test_the_literal_check_sees_names_typed_into_a_step(tmp_path: Path) -> None:
    step = tmp_path / "steps" / "test_x.py"
    step.parent.mkdir()
    step.write_text(
        "import re\n"
        "def a(page, contract):\n"
        "    page.get_by_role('button', name='Log in').click()\n"
        "    expect(page.get_by_role(contract.control('login', 'x').role)).to_contain_text(re.compile('logged out'))\n"
        "    page.filter(has_text=contract.wording('logged_out').regex())\n",
        encoding="utf-8",
    )
    found = sorted(finding.split(" ", 1)[1] for finding in _locating_literals(step, tmp_path))
    assert found == sorted(
        [
            "get_by_role('button')",
            "get_by_role('Log in')",
            "to_contain_text('logged out')",
            "re.compile(['logged out'])",
        ]
    )
