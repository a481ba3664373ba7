"""The pytest plugin behind the conformance suite.

- Scenario tags: `@online` / `@onsite` become the profiles a scenario runs in (each
  one a separate test, `[online]` / `[onsite]`); catalogue IDs such as `@LOGIN-1`
  become `requirement` marks. A tag that looks like an ID but is not in the
  catalogue stops the run, so a typo never counts as coverage. `@needs-clock-control`
  says the scenario needs a capability of the contract: on a target that lacks it,
  the scenario is reported as not checkable there, with the reason.
- Targets: the bundled stack by default, or `--target-file`; `--profile` narrows.
- Browser: Chromium found by `browsers.find_chromium`, started with the target's
  host resolver rules.
- Report: `--conformance-report DIR` writes the HTML and JSON report (see report.py).
- Help page pictures: `--doc-screenshots DIR` saves the help page's pictures as the scenarios show them and
  checks its bold labels against the screens; `--compare-with EARLIER` compares (see docshots.py).
"""

from __future__ import annotations

import os
import random
import tomllib
from collections.abc import Callable, Generator, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, Playwright
from pytest_bdd.reporting import test_report_context_registry

from . import accessibility, catalogue, contract, docshots, evidence, expected, helppage, preflight, sharding
from .browsers import ENVIRONMENT_VARIABLE as CHROMIUM_VARIABLE
from .browsers import BrowserNotFound, find_chromium, is_cdp_endpoint, launch_arguments
from .bundled_names import BUNDLED_PRESENTATIONS, bundled_target_names
from .catalogue import PROFILES
from .contract import NOT_CHECKABLE, NotCheckable
from .people import PersonFactory
from .report import ConformanceReport
from .sharing import SharedTargetLock, lock_path_for

if TYPE_CHECKING:
    from .targets import Target, TargetSet

_TARGETS_KEY = pytest.StashKey[dict[str, str]]()
_EXPECTED_KEY = pytest.StashKey[dict[str, str]]()
_ACCESSIBILITY_KEY = pytest.StashKey[dict[str, str]]()
_HELP_PAGE_KEY = pytest.StashKey[helppage.HelpPage]()
"""The run's target names and the profile of each, known before the targets start."""
NEEDS_PREFIX = "needs-"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("loginspec", "Loginspec conformance suite")
    group.addoption(
        "--target-file",
        metavar="PATH",
        help="run against the deployment described in this TOML file instead of the bundled reference",
    )
    group.addoption(
        "--profile",
        action="append",
        choices=PROFILES,
        help="run only the scenarios of this deployment profile (repeatable)",
    )
    group.addoption(
        "--presentation",
        action="append",
        choices=BUNDLED_PRESENTATIONS,
        help="run against the bundled reference CRM in this presentation (repeatable; default en)",
    )
    group.addoption(
        "--plain-http",
        action="store_true",
        help="serve the bundled reference over plain HTTP instead of HTTPS from a local authority",
    )
    group.addoption(
        "--provider-names",
        choices=("real", "test"),
        default="real",
        help="the bundled fake providers' host names: Microsoft's and Google's own (default, HTTPS only) "
        "or login.microsoftonline.test and accounts.google.test",
    )
    group.addoption("--chromium", metavar="PATH", help="the Chromium or Chrome executable to drive")
    group.addoption(
        "--browser-endpoint",
        metavar="URL",
        help="use a remote browser: a Playwright browser server (ws://…, from `playwright run-server --unsafe`) "
        "or a Chrome DevTools endpoint (http://… or ws://…/devtools/browser/…)",
    )
    group.addoption(
        "--no-accessibility",
        action="store_true",
        help="do not check the screens with axe-core (they are checked whenever there is a conformance report)",
    )
    group.addoption(
        "--shard",
        metavar="I/N",
        help="run only the I-th of N shards of the scenarios, balanced by their recorded durations",
    )
    group.addoption(
        "--durations-file",
        metavar="FILE",
        default=str(sharding.DEFAULT_DURATIONS),
        help="the recorded scenario durations --shard balances by (default: %(default)s)",
    )
    group.addoption(
        "--shuffle",
        metavar="SEED",
        type=int,
        help="run the scenarios in an order shuffled with this seed (scripts/flake uses it)",
    )
    group.addoption(
        "--conformance-report",
        metavar="DIR",
        help="write the conformance report (index.html, results.json) to this folder",
    )
    group.addoption(
        "--doc-screenshots",
        metavar="DIR",
        help="save the help page's pictures into this folder as the scenarios show them, under the page's own "
        "file names, and check the page's bold labels against the screens (DIR/label-drift.json)",
    )
    group.addoption(
        "--compare-with",
        metavar="DIR",
        help="with --doc-screenshots: compare the new pictures with an earlier set, drawing each difference",
    )
    group.addoption(
        "--help-page",
        metavar="FILE",
        help="with --doc-screenshots: the help page whose pictures and labels to use (default: "
        f"../{helppage.DEFAULT_HELP_PAGE.relative_to(helppage.PROJECT.parent)}, beside the project)",
    )
    group.addoption(
        "--require-every-id",
        action="store_true",
        help="with --conformance-report: fail the run unless every catalogue ID has a passing scenario",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirement(id): the scenario proves this catalogue ID")
    config.addinivalue_line("markers", "profile(name): the scenario applies to this deployment profile")
    config.addinivalue_line("markers", "needs(capability): the scenario needs this capability of the target")
    # pytest-bdd turns tags on Examples straight into marks of the same name, so IDs are markers too.
    for requirement in catalogue.load().values():
        config.addinivalue_line("markers", f"{requirement.id}: {requirement.title}")
    # Likewise `@needs-form-posts` on Examples becomes a mark of that name.
    for capability in contract.load().capabilities.values():
        config.addinivalue_line("markers", f"{_needs_tag(capability.key)}: {capability.description}")
    config.stash[_TARGETS_KEY] = _available_targets(config)
    config.stash[_EXPECTED_KEY] = _expected_failures(config)
    config.stash[_ACCESSIBILITY_KEY] = _expected_violations(config)
    report_dir = config.getoption("conformance_report")
    require_every_id = config.getoption("require_every_id")
    if require_every_id and not report_dir:
        raise pytest.UsageError("--require-every-id needs --conformance-report DIR")
    _configure_help_pictures(config)
    if report_dir and not hasattr(config, "workerinput"):
        report = ConformanceReport(
            config,
            Path(report_dir),
            require_every_id=require_every_id,
            offered_targets=config.stash[_TARGETS_KEY],
        )
        config.pluginmanager.register(report, "loginspec-report")


def _configure_help_pictures(config: pytest.Config) -> None:
    folder = config.getoption("doc_screenshots")
    compare_with = config.getoption("compare_with")
    if not folder:
        if compare_with or config.getoption("help_page"):
            raise pytest.UsageError("--compare-with and --help-page go with --doc-screenshots DIR")
        return
    if compare_with and not Path(compare_with).is_dir():
        raise pytest.UsageError(f"--compare-with {compare_with}: no such folder")
    if compare_with and Path(compare_with).resolve() == Path(folder).resolve():
        raise pytest.UsageError("--compare-with names the folder --doc-screenshots writes: give the earlier set")
    page = docshots.load_help_page(config.getoption("help_page"))
    config.stash[_HELP_PAGE_KEY] = page
    if not hasattr(config, "workerinput"):
        plugin = docshots.HelpPictures(Path(folder), page, Path(compare_with) if compare_with else None)
        config.pluginmanager.register(plugin, docshots.PLUGIN_NAME)


def _needs_tag(capability: str) -> str:
    return NEEDS_PREFIX + capability.replace("_", "-")


def needed_capabilities(item: pytest.Item) -> list[str]:
    """The capabilities a scenario's tags say it needs, on the scenario or on its Examples."""
    tagged = [mark.args[0] for mark in item.iter_markers("needs")]
    tagged += [
        mark.name.removeprefix(NEEDS_PREFIX).replace("-", "_")
        for mark in item.iter_markers()
        if mark.name.startswith(NEEDS_PREFIX)
    ]
    return list(dict.fromkeys(tagged))


def _expected_failures(config: pytest.Config) -> dict[str, str]:
    target_file = config.getoption("target_file")
    if not target_file:
        return {}
    try:
        return expected.expected_failures(tomllib.loads(Path(target_file).read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise pytest.UsageError(f"cannot read target file {target_file}: {error}") from error
    except expected.ExpectedFailuresError as error:
        raise pytest.UsageError(f"{target_file}: {error}") from error


def _expected_violations(config: pytest.Config) -> dict[str, str]:
    target_file = config.getoption("target_file")
    if not target_file:
        return {}
    try:
        return accessibility.expected_violations(tomllib.loads(Path(target_file).read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise pytest.UsageError(f"cannot read target file {target_file}: {error}") from error
    except ValueError as error:
        raise pytest.UsageError(f"{target_file}: {error}") from error


def _available_targets(config: pytest.Config) -> dict[str, str]:
    """Target name -> profile: a target file's profiles, or the bundled CRM's presentations and profiles."""
    target_file = config.getoption("target_file")
    if target_file:
        if config.getoption("presentation"):
            raise pytest.UsageError("--presentation chooses the bundled CRM's; a target file says its own")
        try:
            declared = tomllib.loads(Path(target_file).read_text(encoding="utf-8")).get("targets", {})
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise pytest.UsageError(f"cannot read target file {target_file}: {error}") from error
        return {profile: profile for profile in PROFILES if profile in declared}
    presentations = tuple(dict.fromkeys(config.getoption("presentation") or ["en"]))
    return {name: profile for name, (_, profile) in bundled_target_names(presentations).items()}


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool | None:
    if tag in PROFILES:
        # A scenario of a profile runs against that profile's target: requesting it makes
        # `profile` (parametrized below) part of the scenario's fixtures.
        pytest.mark.usefixtures("target")(function)
        pytest.mark.profile(tag)(function)
        return True
    if tag.startswith(NEEDS_PREFIX):
        pytest.mark.needs(tag.removeprefix(NEEDS_PREFIX).replace("-", "_"))(function)
        return True
    if catalogue.ID_PATTERN.match(tag):
        if not catalogue.is_catalogue_id(tag):
            raise pytest.UsageError(f"@{tag} is not an ID of the catalogue (loginspec/catalogue.toml)")
        pytest.mark.requirement(tag)(function)
        getattr(pytest.mark, tag)(function)  # so that `-m LOGIN-1` selects it, as it does on Examples
        return True
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A scenario runs once against each target of a profile it is tagged with."""
    tagged = [mark.args[0] for mark in metafunc.definition.iter_markers("profile")]
    if not tagged:
        return
    available = metafunc.config.stash[_TARGETS_KEY]
    params = []
    for profile in PROFILES:
        if profile not in tagged:
            continue
        names = [name for name, offered in available.items() if offered == profile]
        params += [pytest.param(name, id=name) for name in names] or [
            pytest.param(profile, id=profile, marks=pytest.mark.skip(reason=f"the target has no {profile} profile"))
        ]
    metafunc.parametrize("target_name", params)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # First of all, before any browser starts and before -k or -m deselects anything.
    findings = preflight.check(items, session._fixturemanager, preflight.whole_suite_collected(items))
    if findings:
        # As a collection error, so that pytest (and xdist's controller) stop before any test and show it.
        report = pytest.CollectReport("preflight", "failed", findings.report(), [])
        session.ihook.pytest_collectreport(report=report)
        items[:] = []
        return
    shuffle_seed = config.getoption("shuffle")
    if shuffle_seed is not None:
        # Every xdist worker shuffles alike (same seed), as xdist requires the same collection everywhere.
        random.Random(shuffle_seed).shuffle(items)
    shard = config.getoption("shard")
    if shard:
        try:
            index, count = sharding.parse_shard(shard)
        except ValueError as error:
            raise pytest.UsageError(f"--shard {shard}: {error}") from None
        durations = sharding.load_durations(Path(config.getoption("durations_file")))
        kept = sharding.shard_of([item.nodeid for item in items], durations, index, count)
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in kept])
        items[:] = [item for item in items if item.nodeid in kept]
    targets = config.stash[_TARGETS_KEY]
    wanted = config.getoption("profile")
    if wanted:
        selected = [item for item in items if _profile_of(item, targets) in (None, *wanted)]
        config.hook.pytest_deselected(items=[item for item in items if item not in selected])
        items[:] = selected
    for item in items:
        requirements = sorted(
            {mark.args[0] for mark in item.iter_markers("requirement")}
            | {mark.name for mark in item.iter_markers() if catalogue.is_catalogue_id(mark.name)}
        )
        if requirements:
            item.user_properties.append(("requirements", " ".join(requirements)))
        named = _scenario_names(item)
        if named:
            item.user_properties += [("feature", named[0]), ("scenario", named[1]), *_scenario_place(item)]
        names = (named[1], _template_name(item)) if named else ()
        why = expected.reason_for(config.stash[_EXPECTED_KEY], requirements, names)
        if why:
            item.add_marker(pytest.mark.xfail(reason=f"{expected.EXPECTED}: {why}", strict=False))
            item.user_properties.append(("expected_failure", why))
        profile = _profile_of(item, targets)
        if profile:
            item.user_properties.append(("profile", profile))
            item.user_properties.append(("target", _target_name_of(item) or profile))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A step that finds the target lacking a capability ends the scenario as not checkable, not failed."""
    try:
        return (yield)
    except NotCheckable as reason:
        pytest.skip(str(reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Carry pytest-bdd's scenario and step results on the report itself.

    pytest-bdd 9 keeps them in a registry beside the report, which xdist does not send
    from its workers; as an attribute they travel with the report.
    """
    report: pytest.TestReport = yield
    report_directory = item.config.getoption("conformance_report")
    if report_directory and report.when == "call" and report.failed:
        sources = evidence.offered(item)
        if sources:
            evidence.gather(sources, evidence.folder_for(Path(report_directory), item.nodeid))
    context = test_report_context_registry.get(report)
    if context is not None:
        vars(report)["scenario"] = context.scenario  # an attribute of our own, which xdist serializes with the rest
    return report


def _scenario_names(item: pytest.Item) -> tuple[str, str] | None:
    """The feature's and the scenario's names, known before the scenario runs (or is skipped unrun)."""
    templated = preflight.scenario_template(item)
    if templated is None:
        return None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example") if callspec else None
    scenario = templated.render(example) if example else templated
    return templated.feature.name, scenario.name


def _scenario_place(item: pytest.Item) -> list[tuple[str, str]]:
    """Where the scenario is written and its tags: for reports of scenarios that never ran (skipped)."""
    templated = preflight.scenario_template(item)
    if templated is None:
        return []
    tags = sorted(templated.tags | templated.feature.tags)
    return [
        ("feature_file", templated.feature.rel_filename),
        ("line", str(templated.line_number)),
        ("tags", " ".join(tags)),
        ("keyword", templated.keyword),
    ]


def _template_name(item: pytest.Item) -> str:
    """An outline's name as the feature file writes it, placeholders and all."""
    templated = preflight.scenario_template(item)
    return templated.name if templated else ""


def _target_name_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("target_name") if callspec else None


def _profile_of(item: pytest.Item, targets: dict[str, str]) -> str | None:
    name = _target_name_of(item)
    return None if name is None else targets.get(name, name)


# Fixtures


@pytest.fixture(scope="session")
def target_set(pytestconfig: pytest.Config) -> Iterator[TargetSet]:
    # Imported here so that runs without scenarios (the fast tests) never load the services.
    from .bundled import BundledStack
    from .targets import TargetFileError, load_target_file

    target_file = pytestconfig.getoption("target_file")
    presentations = tuple(dict.fromkeys(pytestconfig.getoption("presentation") or ["en"]))
    try:
        targets: TargetSet = (
            load_target_file(Path(target_file))
            if target_file
            else BundledStack(
                presentations=presentations,
                https=not pytestconfig.getoption("plain_http"),
                provider_names=pytestconfig.getoption("provider_names"),
            ).start()
        )
    except TargetFileError as error:
        raise pytest.UsageError(str(error)) from error
    yield targets
    targets.close()


@pytest.fixture
def target_name() -> str:
    raise pytest.UsageError("scenario without a profile tag: tag it @online, @onsite or both")


@pytest.fixture(scope="session")
def accessibility_checker(pytestconfig: pytest.Config, target_set: TargetSet) -> accessibility.Checker | None:
    """With a conformance report and unless --no-accessibility: the screens of the targets get checked."""
    report_directory = pytestconfig.getoption("conformance_report")
    if not report_directory or pytestconfig.getoption("no_accessibility"):
        return None
    origins = [target.base_url.rstrip("/") + "/" for target in target_set.targets.values()]
    expected_rules = pytestconfig.stash[_ACCESSIBILITY_KEY]
    return accessibility.Checker(Path(report_directory) / accessibility.FOLDER, origins, expected_rules)


def pytest_bdd_before_step(request: pytest.FixtureRequest) -> None:
    """With --doc-screenshots: the screens a step passes through without ending on them are looked at too."""
    if "target" not in request.fixturenames or not request.config.getoption("doc_screenshots"):
        return
    recorder: docshots.Recorder | None = request.getfixturevalue("help_pictures")
    for source in evidence.offered(request.node):
        if recorder is not None and isinstance(source, docshots.PictureSource):
            source.watch(partial(recorder.after_step, source))


@pytest.fixture(scope="session")
def help_pictures(pytestconfig: pytest.Config) -> docshots.Recorder | None:
    """With --doc-screenshots: this worker's share of the help page's pictures and labels."""
    folder = pytestconfig.getoption("doc_screenshots")
    if not folder:
        return None
    return docshots.Recorder(Path(folder), pytestconfig.stash[_HELP_PAGE_KEY])


def pytest_bdd_after_step(request: pytest.FixtureRequest) -> None:
    """After each step, the screens its people are on (each checked once a run), and with --doc-screenshots
    the help page's pictures and labels they show."""
    if "target" not in request.fixturenames:
        return
    checker: accessibility.Checker | None = request.getfixturevalue("accessibility_checker")
    if checker is not None:
        for source in evidence.offered(request.node):
            if isinstance(source, accessibility.PageSource):
                checker.check_pages(source.pages_running_scripts(), source.navigations)
    if not request.config.getoption("doc_screenshots"):
        return
    recorder: docshots.Recorder | None = request.getfixturevalue("help_pictures")
    for source in evidence.offered(request.node):
        if recorder is not None and isinstance(source, docshots.PictureSource):
            recorder.after_step(source)


@pytest.fixture(scope="session")
def shared_target_lock(pytestconfig: pytest.Config) -> Iterator[SharedTargetLock | None]:
    """Only where xdist workers share one deployment of a target file (the bundled stack is per worker)."""
    target_file = pytestconfig.getoption("target_file")
    if not target_file or not hasattr(pytestconfig, "workerinput"):
        yield None
        return
    lock = SharedTargetLock(lock_path_for(Path(target_file)))
    yield lock
    lock.close()


@pytest.fixture
def target(
    target_set: TargetSet,
    target_name: str,
    request: pytest.FixtureRequest,
    shared_target_lock: SharedTargetLock | None,
) -> Iterator[Target]:
    chosen = target_set.targets[target_name]
    for needed in needed_capabilities(request.node):
        capability = chosen.contract.capabilities.get(needed)
        if capability is None:
            raise pytest.UsageError(f"@{_needs_tag(needed)}: the contract has no such capability")
        if not capability.present:
            pytest.skip(f"{NOT_CHECKABLE}: it lacks {capability.key} ({capability.absent_because})")
    if shared_target_lock is None:
        yield chosen
        return
    shared_target_lock.hold_shared()
    chosen.before_clock_moves = shared_target_lock.hold_exclusive
    try:
        yield chosen
    finally:
        chosen.before_clock_moves = None
        shared_target_lock.release()


@pytest.fixture(scope="session")
def people() -> PersonFactory:
    """One factory a worker: making a Faker costs a tenth of a second; every person is unique anyway."""
    return PersonFactory()


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Playwright, target_set: TargetSet, pytestconfig: pytest.Config
) -> dict[str, Any]:
    arguments = {
        **browser_type_launch_args,
        "args": launch_arguments(target_set.host_resolver_rules, target_set.pinned_keys),
    }
    if pytestconfig.getoption("browser_endpoint"):
        # The server launches its own browser: only a path given explicitly is passed on (as its path).
        explicit = pytestconfig.getoption("chromium") or os.environ.get(CHROMIUM_VARIABLE)
        if explicit:
            arguments["executablePath"] = explicit
        return arguments
    try:
        executable = find_chromium(
            pytestconfig.getoption("chromium"),
            playwright.chromium.executable_path,
            headless=browser_type_launch_args.get("headless", True),
        )
    except BrowserNotFound as error:
        raise pytest.UsageError(str(error)) from error
    if executable:
        arguments["executable_path"] = executable
    return arguments


@pytest.fixture(scope="session")
def connect_options(pytestconfig: pytest.Config) -> dict[str, Any] | None:
    """pytest-playwright connects to a Playwright browser server instead of launching, when given one; the
    launch options (resolver rules, certificate pins) travel to it in a header (`run-server --unsafe`)."""
    endpoint = pytestconfig.getoption("browser_endpoint")
    if not endpoint or is_cdp_endpoint(endpoint):
        return None
    return {"endpoint": endpoint, "timeout": 30_000}


@pytest.fixture(scope="session")
def browser(
    launch_browser: Callable[[], Browser], playwright: Playwright, pytestconfig: pytest.Config
) -> Iterator[Browser]:
    endpoint = pytestconfig.getoption("browser_endpoint")
    # A Chrome DevTools endpoint is a browser already running: started with the resolver rules and pins.
    chosen = playwright.chromium.connect_over_cdp(endpoint) if endpoint and is_cdp_endpoint(endpoint) else None
    chosen = chosen or launch_browser()
    yield chosen
    chosen.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-GB", "service_workers": "block"}
