"""The conftest of a pytester project that runs real scenarios: the Loginspec plugin, the suite's own
fixtures (steps/conftest.py, whole, so that a fixture added there is never missing here) and the shared
step modules a test's feature uses."""

from __future__ import annotations


def conftest(*shared_steps: str) -> str:
    """`shared_steps`: modules of steps/common/ by name ("people", "signing_in", ...)."""
    plugins = ["loginspec.plugin", "steps.conftest", *(f"steps.common.{name}" for name in shared_steps)]
    return "pytest_plugins = [\n" + "".join(f"    {plugin!r},\n" for plugin in plugins) + "]\n"
