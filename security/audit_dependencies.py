"""Audit the pinned dependencies against a snapshot of the PyPA advisory database, offline.

    python security/audit_dependencies.py check [requirements.lock] [--max-age-days 90]
    python security/audit_dependencies.py refresh <clone of pypa/advisory-database> [lock]

`check` fails when a locked version is affected by an advisory, when a locked
package has no entry in the snapshot's manifest, or when the snapshot is older than
--max-age-days. `refresh` rebuilds security/advisories/ from a clone for the packages of the
lock (`make advisories`). Why our own: docs/security.md "Dependency audit".
"""

import argparse
import datetime
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# libyaml's loader when the wheel has it (ten times faster), else the pure Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = ROOT / "security" / "advisories"
MANIFEST = "manifest.json"
# The database publishes new PyPI advisories every week, and Django alone has security
# releases most months: past a quarter, a snapshot misses too much to be called an audit.
MAX_AGE_DAYS = 90
SOURCE = "https://github.com/pypa/advisory-database"
LICENSE = "CC-BY-4.0"


class AuditError(Exception):
    """A lock or an advisory file that cannot be read: the message names the file."""


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...]
    fixed: str  # the first fixed version above the locked one, or "" when none is known
    summary: str

    def __str__(self) -> str:
        aliases = f" ({', '.join(self.aliases)})" if self.aliases else ""
        fixed = f"fixed in {self.fixed}" if self.fixed else "no fixed version"
        return f"{self.package} {self.version}: {self.advisory}{aliases}, {fixed}: {self.summary}"


@dataclass
class Report:
    snapshot: str  # "<commit> of <date>"
    age_days: int
    max_age_days: int
    packages: int
    findings: list[Finding]
    missing: list[str]  # locked packages without an entry in the manifest

    @property
    def stale(self) -> bool:
        return self.age_days > self.max_age_days

    @property
    def ok(self) -> bool:
        return not (self.findings or self.missing or self.stale)

    def lines(self) -> list[str]:
        lines = [
            f"{self.packages} locked packages against the advisories of {self.snapshot}, "
            f"{self.age_days} days old"
        ]
        lines += [f"VULNERABLE {finding}" for finding in self.findings]
        lines += [
            f"MISSING {name}: no entry in the snapshot's manifest; run `make advisories`"
            for name in self.missing
        ]
        if self.stale:
            lines.append(
                f"STALE the snapshot is {self.age_days} days old, more than "
                f"{self.max_age_days}: run `make advisories` with GitHub access"
            )
        lines.append("OK" if self.ok else "FAILED")
        return lines


def read_lock(path: Path) -> dict[str, Version]:
    """The pins of a uv/pip-compile lock: name==version, an optional marker, comments.

    Every pin is audited whatever its marker: a package for another platform is still shipped
    to someone."""
    try:
        text = path.read_text()
    except OSError as error:
        raise AuditError(f"{path}: cannot be read ({error.strerror})") from None
    pins = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line or raw.startswith(" "):
            continue
        name, separator, version = line.partition("==")
        try:
            if not separator:
                raise InvalidVersion("not pinned with ==")
            pins[canonicalize_name(name.split("[", 1)[0].strip())] = Version(version.strip())
        except InvalidVersion as error:
            raise AuditError(f"{path}:{number}: {raw.strip()!r}: {error}") from None
    return pins


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text())
        datetime.datetime.fromisoformat(manifest["commit_date"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AuditError(f"{path}: not a manifest of advisories ({error!r})") from None
    if not isinstance(manifest.get("packages"), dict) or not manifest.get("commit"):
        raise AuditError(f"{path}: not a manifest of advisories (no commit or no packages)")
    return manifest


def _version(text: object, path: Path) -> Version:
    try:
        return Version(str(text))
    except InvalidVersion:
        raise AuditError(f"{path}: {text!r} is not a version") from None


def _events(affected: dict, path: Path) -> list[list[tuple[str, Version]]]:
    """The ECOSYSTEM ranges of one affected entry as sorted (kind, version) events.

    GIT ranges are commits, not versions: their releases are in the "versions" list."""
    ranges = []
    for range_ in affected.get("ranges") or []:
        if range_["type"] != "ECOSYSTEM":
            continue
        events = []
        for event in range_["events"]:
            ((kind, value),) = event.items()
            if kind in ("introduced", "fixed", "last_affected"):
                events.append((kind, Version("0") if value == "0" else _version(value, path)))
        ranges.append(sorted(events, key=lambda event: event[1]))
    return ranges


def _in_range(version: Version, events: list[tuple[str, Version]]) -> bool:
    # The OSV schema's own evaluation: walk the sorted events, the last one at or below the
    # version decides.
    affected = False
    for kind, at in events:
        if kind == "introduced" and version >= at:
            affected = True
        elif (kind == "fixed" and version >= at) or (kind == "last_affected" and version > at):
            affected = False
    return affected


def affecting(advisory: dict, path: Path, package: str, version: Version) -> Finding | None:
    """The finding when `advisory` (an OSV record) affects `package` at `version`."""
    if advisory.get("withdrawn"):
        return None
    entries = [
        affected
        for affected in advisory["affected"]
        if affected["package"]["ecosystem"] == "PyPI"
        and canonicalize_name(affected["package"]["name"]) == package
    ]
    if not entries:
        # Filed under the wrong package: it could never match, so it must not pass unseen.
        raise AuditError(f"{path}: names no affected PyPI package {package!r}")
    hit, fixes = False, []
    for affected in entries:
        ranges = _events(affected, path)
        listed = {_version(text, path) for text in affected.get("versions") or []}
        hit = hit or version in listed or any(_in_range(version, r) for r in ranges)
        fixes += [at for r in ranges for kind, at in r if kind == "fixed" and at > version]
    if not hit:
        return None
    summary = advisory.get("summary") or advisory.get("details") or ""
    summary = " ".join(summary.split())
    return Finding(
        package=package,
        version=str(version),
        advisory=advisory["id"],
        aliases=tuple(advisory.get("aliases") or ()),
        fixed=str(min(fixes)) if fixes else "",
        summary=summary if len(summary) <= 160 else summary[:159] + "…",
    )


def load_advisory(path: Path) -> dict:
    try:
        advisory = yaml.load(path.read_text(), Loader=SafeLoader)
    except (OSError, yaml.YAMLError) as error:
        raise AuditError(f"{path}: cannot be read ({error})") from None
    if not isinstance(advisory, dict) or "id" not in advisory:
        raise AuditError(f"{path}: not an OSV advisory (no id)")
    if not isinstance(advisory.get("affected"), list):
        raise AuditError(f"{path}: not an OSV advisory (no list of affected packages)")
    return advisory


def audit(
    lock: Path,
    directory: Path = ADVISORIES,
    *,
    max_age_days: int = MAX_AGE_DAYS,
    today: datetime.date | None = None,
) -> Report:
    pins = read_lock(lock)
    manifest = read_manifest(directory)
    findings, missing = [], []
    for package, version in sorted(pins.items()):
        if package not in manifest["packages"]:
            missing.append(package)
            continue
        for name in manifest["packages"][package]:
            path = directory / package / f"{name}.yaml"
            try:
                finding = affecting(load_advisory(path), path, package, version)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise AuditError(f"{path}: not an OSV advisory ({error!r})") from None
            if finding:
                findings.append(finding)
    taken = datetime.datetime.fromisoformat(manifest["commit_date"]).date()
    today = today or datetime.datetime.now(datetime.UTC).date()
    return Report(
        snapshot=f"{SOURCE} at {manifest['commit'][:12]} of {taken}",
        age_days=(today - taken).days,
        max_age_days=max_age_days,
        packages=len(pins),
        findings=findings,
        missing=missing,
    )


def refresh(clone: Path, lock: Path, directory: Path = ADVISORIES) -> dict:
    """Rebuild `directory` from a clone of the advisory database, for every package of the
    lock: a package without advisories gets an empty entry, so the manifest covers the lock."""
    commit, date = subprocess.run(
        ["git", "-C", str(clone), "log", "-1", "--format=%H %cI"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    folders = {canonicalize_name(p.name): p for p in (clone / "vulns").iterdir() if p.is_dir()}
    packages: dict[str, list[str]] = {}
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for package in sorted(read_lock(lock)):
        packages[package] = []
        if package in folders:
            (directory / package).mkdir()
            for path in sorted(folders[package].glob("*.yaml")):
                load_advisory(path)  # refuse to copy what the check could not read
                shutil.copyfile(path, directory / package / path.name)
                packages[package].append(path.stem)
    manifest = {
        "source": SOURCE,
        "commit": commit,
        "commit_date": date,
        "license": LICENSE,
        "attribution": "Advisories of the Python Packaging Advisory Database (PyPA), "
        f"{SOURCE}, licensed under CC BY 4.0; copied unchanged.",
        "packages": packages,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "refresh"])
    parser.add_argument("paths", nargs="*", type=Path, help="check: [lock]; refresh: clone [lock]")
    parser.add_argument("--max-age-days", type=int, default=MAX_AGE_DAYS)
    parser.add_argument("--advisories", type=Path, default=ADVISORIES, help="the snapshot")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "refresh":
            if not 1 <= len(arguments.paths) <= 2:
                parser.error("refresh needs the clone's path, then optionally the lock")
            clone, lock = (*arguments.paths, ROOT / "requirements.lock")[:2]
            manifest = refresh(clone, lock, arguments.advisories)
            packages, commit, date = (
                manifest[key] for key in ("packages", "commit", "commit_date")
            )
            print(f"{len(packages)} packages, advisories of {commit} of {date}")
            return 0
        if len(arguments.paths) > 1:
            parser.error("check takes one lock")
        lock = arguments.paths[0] if arguments.paths else ROOT / "requirements.lock"
        report = audit(lock, arguments.advisories, max_age_days=arguments.max_age_days)
    except AuditError as error:
        print(f"ERROR {error}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
