"""The harness as a pytest plugin; see loginspec/plugin.py."""

pytest_plugins = ["loginspec.plugin"]
