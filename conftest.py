"""The harness as a pytest plugin (loginspec/plugin.py) and the steps every feature shares."""

pytest_plugins = [
    "loginspec.plugin",
    "loginspec.hangs",
    "steps.common.people",
    "steps.common.signing_in",
    "steps.common.settings_and_maintenance",
    "steps.common.email_links",
    "steps.common.passwords",
    "steps.common.single_sign_on",
    "steps.common.clock",
    "steps.common.resets",
]
