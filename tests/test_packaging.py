"""`make` installs from requirements.lock: every declared dependency must be pinned there."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_pinned_in_the_lock_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {name(r) for r in project["dependencies"]}
    declared |= {name(r) for extra in project["optional-dependencies"].values() for r in extra}
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    assert declared - pinned == set(), "run `make lock` after editing pyproject.toml"
