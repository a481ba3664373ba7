"""The bundled stack's target names, known before anything starts (the plugin needs them at collection)."""

from __future__ import annotations

from .catalogue import PROFILES, Profile

BUNDLED_PRESENTATIONS = ("en", "nb")


def bundled_target_names(presentations: tuple[str, ...]) -> dict[str, tuple[str, Profile]]:
    """Target name -> (presentation, profile), in the order the targets start: named after the profile
    alone when there is one presentation, `en-online`, `nb-onsite`... when there are several."""
    if len(presentations) == 1:
        return {profile: (presentations[0], profile) for profile in PROFILES}
    return {f"{shown}-{profile}": (shown, profile) for shown in presentations for profile in PROFILES}
