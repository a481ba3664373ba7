"""The conformance catalogue as data: every requirement and control ID, its title and profiles."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Profile = Literal["online", "onsite"]
PROFILES: tuple[Profile, ...] = ("online", "onsite")
CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")
ID_PATTERN = re.compile(r"^[A-Z]+-\d+$")


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    profiles: tuple[str, ...]
    security: bool = False

    @property
    def area(self) -> str:
        return self.id.split("-")[0]


@cache
def load() -> dict[str, Requirement]:
    data = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return {
        requirement_id: Requirement(
            requirement_id, entry["title"], tuple(entry["profiles"]), bool(entry.get("security", False))
        )
        for requirement_id, entry in data.items()
    }


def is_catalogue_id(tag: str) -> bool:
    return bool(ID_PATTERN.match(tag)) and tag in load()
