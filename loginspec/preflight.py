"""Checks of the step definitions against the feature files, made before any browser starts.

pytest-bdd finds a step's definition only when the step runs, picks one silently when two
match, and never mentions a definition no step uses. Found at collection instead, each of
these stops the run with the step's text and the files concerned:
- a step of a scenario that no definition matches;
- a step that two definitions of the same level match (a definition in a test module
  overriding a shared one is pytest's ordinary scoping, not ambiguity);
- a step definition that no step of any feature uses (checked only when the whole suite
  was collected, since a partial run leaves most definitions unused).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _pytest.fixtures import FixtureDef, FixtureManager
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.parser import ScenarioTemplate, Step
from pytest_bdd.scenario import find_fixturedefs_for_step, scenario_wrapper_template_registry
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry


@dataclass
class Findings:
    undefined: dict[str, set[str]] = field(default_factory=dict)
    ambiguous: dict[str, set[str]] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.undefined or self.ambiguous or self.unused)

    def report(self) -> str:
        lines = ["Preflight: the step definitions do not fit the feature files."]
        for title, found in (
            ("Steps no definition matches", self.undefined),
            ("Steps two definitions match (pytest-bdd would pick one silently)", self.ambiguous),
        ):
            if found:
                lines.append(f"{title}:")
                for step, places in sorted(found.items()):
                    lines.append(f"  {step}")
                    lines += [f"      {place}" for place in sorted(places)]
        if self.unused:
            lines.append("Step definitions no scenario uses:")
            lines += [f"  {definition}" for definition in sorted(self.unused)]
        return "\n".join(lines)


def scenario_template(item: pytest.Item) -> ScenarioTemplate | None:
    """The pytest-bdd scenario an item runs, or None for a test of another kind."""
    function = getattr(item, "obj", None)
    return scenario_wrapper_template_registry.get(function) if callable(function) else None


def _example(item: pytest.Item) -> dict[str, str]:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("_pytest_bdd_example", {}) if callspec else {}


def _definition_place(context: StepFunctionContext) -> str:
    function = inspect.unwrap(context.step_func)
    try:
        source = Path(inspect.getsourcefile(function) or "?")
        line = inspect.getsourcelines(function)[1]
    except (OSError, TypeError):
        return f"{function.__module__}.{function.__qualname__}"
    return f"{_relative(source)}:{line} ({function.__name__})"


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _step_place(template: ScenarioTemplate, step: Step) -> str:
    return f"{_relative(Path(template.feature.filename))}:{step.line_number}"


def _depth(fixturedef: FixtureDef[object]) -> int:
    return len([part for part in fixturedef.baseid.replace("::", "/").split("/") if part])


def _matching(step: Step, manager: FixtureManager, item: pytest.Item) -> list[StepFunctionContext]:
    """The definitions pytest-bdd would choose among, closest scope last; the last is the one it runs."""
    definitions = sorted(find_fixturedefs_for_step(step, manager, item), key=_depth)
    if not definitions:
        return []
    closest = _depth(definitions[-1])
    return [step_function_context_registry[d.func] for d in definitions if _depth(d) == closest]


def _all_definitions(manager: FixtureManager, items: Iterable[pytest.Item]) -> list[StepFunctionContext]:
    """Every step definition visible to some collected scenario."""
    contexts: dict[int, StepFunctionContext] = {}
    names = get_fixture_names(manager)
    for item in {item.parent: item for item in items}.values():  # one item a module is enough
        for name in names:
            for fixturedef in getfixturedefs(manager, name, item) or []:
                context = step_function_context_registry.get(fixturedef.func)
                if context is not None and _ours(context):
                    contexts[id(context)] = context
    return list(contexts.values())


def _ours(context: StepFunctionContext) -> bool:
    """Not pytest-bdd's own "trace" step, nor any other a library brings."""
    source = inspect.getsourcefile(inspect.unwrap(context.step_func)) or ""
    return "site-packages" not in Path(source).parts


def _defined_under(context: StepFunctionContext, folders: set[Path]) -> bool:
    source = Path(inspect.getsourcefile(inspect.unwrap(context.step_func)) or "").resolve()
    return any(folder in source.parents for folder in folders)


def check(items: list[pytest.Item], manager: FixtureManager, whole_suite: bool) -> Findings:
    findings = Findings()
    used: set[int] = set()
    seen: set[tuple[object, str, str]] = set()
    scenarios = [(item, template) for item in items if (template := scenario_template(item)) is not None]
    for item, template in scenarios:
        for step in template.render(_example(item)).steps:
            key = (item.parent, step.type, step.name)
            if key in seen:
                continue
            seen.add(key)
            label = f"{step.type.capitalize()} {step.name}"
            matching = _matching(step, manager, item)
            if not matching:
                findings.undefined.setdefault(label, set()).add(_step_place(template, step))
            elif len(matching) > 1:
                findings.ambiguous.setdefault(label, set()).update(
                    [_step_place(template, step), *map(_definition_place, matching)]
                )
            used.update(id(context) for context in matching[-1:])
    if whole_suite and scenarios:
        # Definitions from elsewhere (a shared library of steps) may serve other suites; ours must be used.
        folders = {Path(str(item.path)).parent.resolve() for item, _template in scenarios}
        defined = _all_definitions(manager, [item for item, _template in scenarios])
        findings.unused = [
            _definition_place(context)
            for context in defined
            if id(context) not in used and _defined_under(context, folders)
        ]
    return findings


def whole_suite_collected(items: list[pytest.Item]) -> bool:
    """True when every test module of the folders the scenarios come from was collected, with no -k or -m."""
    config = items[0].config if items else None
    if config is None or any("::" in str(argument) for argument in config.args):
        return False
    if config.getoption("keyword", "") or config.getoption("markexpr", "") or config.getoption("lf", False):
        return False
    modules = {Path(str(item.path)) for item in items if scenario_template(item) is not None}
    folders = {module.parent for module in modules}
    return bool(modules) and all(set(folder.glob("test_*.py")) <= modules for folder in folders)
