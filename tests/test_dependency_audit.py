"""The offline dependency audit (security/audit_dependencies.py, docs/security.md "Dependency
audit"): the locked versions against the committed snapshot of the PyPA advisory database.
No database needed."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest

from security.audit_dependencies import ADVISORIES, audit, main, read_manifest, refresh

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DATE = datetime.datetime.fromisoformat(read_manifest(ADVISORIES)["commit_date"]).date()


def lock(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "requirements.lock"
    path.write_text(text)
    return path


def snapshot(tmp_path: Path, advisories: dict[str, dict[str, str]], date="2026-01-01") -> Path:
    """A snapshot folder like security/advisories: {package: {advisory id: YAML text}}."""
    directory = tmp_path / "advisories"
    for package, files in advisories.items():
        (directory / package).mkdir(parents=True)
        for name, text in files.items():
            (directory / package / f"{name}.yaml").write_text(text)
    manifest = {
        "commit": "0" * 40,
        "commit_date": f"{date}T00:00:00+00:00",
        "packages": {package: sorted(files) for package, files in advisories.items()},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


RANGE = """
id: PYSEC-0000-1
summary: A test advisory
affected:
- package: {ecosystem: PyPI, name: Example_Package}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "1.0"}, {fixed: "1.4"}, {introduced: "2.0"}, {last_affected: "2.1"}]
"""


def test_an_old_django_is_reported_with_the_advisory_and_its_fixed_version(tmp_path, capsys):
    old = lock(tmp_path, "django==4.2.15\n    # via a comment\n")

    report = audit(old, today=SNAPSHOT_DATE)

    assert not report.ok
    urlize = next(f for f in report.findings if f.advisory == "PYSEC-2024-102")
    assert (urlize.package, urlize.version, urlize.fixed) == ("django", "4.2.15", "4.2.16")
    assert urlize.aliases == ("CVE-2024-45230",)
    assert "urlize() and urlizetrunc()" in urlize.summary
    assert main(["check", str(old), "--max-age-days", "100000"]) == 1
    assert (
        "VULNERABLE django 4.2.15: PYSEC-2024-102 (CVE-2024-45230), fixed in 4.2.16: "
        "An issue was discovered in Django 5.1 before 5.1.1"
    ) in capsys.readouterr().out


def test_the_current_runtime_lock_is_covered_and_no_advisory_affects_it():
    report = audit(ROOT / "requirements.lock", today=SNAPSHOT_DATE)

    assert report.findings == [], "\n".join(report.lines())
    assert report.missing == [], "run `make advisories`"
    assert report.packages > 40
    assert report.ok


@pytest.mark.parametrize(
    ("version", "affected", "fixed"),
    [
        ("0.9", False, ""),
        ("1.0", True, "1.4"),
        ("1.3.9", True, "1.4"),
        ("1.4", False, ""),
        ("2.0rc1", False, ""),
        ("2.1", True, ""),  # last_affected: no fixed version known
        ("2.1.1", False, ""),
    ],
)
def test_the_ranges_introduced_fixed_and_last_affected(tmp_path, version, affected, fixed):
    directory = snapshot(tmp_path, {"example-package": {"PYSEC-0000-1": RANGE}})

    report = audit(lock(tmp_path, f"example-package=={version}\n"), directory)

    assert [(f.advisory, f.fixed) for f in report.findings] == (
        [("PYSEC-0000-1", fixed)] if affected else []
    )


def test_an_explicit_list_of_versions_is_matched_too(tmp_path):
    listed = """
id: PYSEC-0000-2
details: Listed.
affected:
- package: {ecosystem: PyPI, name: x}
  versions: ['0.5']
"""
    directory = snapshot(tmp_path, {"x": {"PYSEC-0000-2": listed}})

    assert [f.advisory for f in audit(lock(tmp_path, "x==0.5\n"), directory).findings] == [
        "PYSEC-0000-2"
    ]
    assert audit(lock(tmp_path, "x==0.6\n"), directory).findings == []


def test_a_snapshot_older_than_the_limit_fails(tmp_path, capsys):
    directory = snapshot(tmp_path, {"x": {}}, date="2026-01-01")
    pinned = lock(tmp_path, "x==1.0\n")

    assert audit(pinned, directory, today=datetime.date(2026, 4, 1)).ok  # 90 days
    stale = audit(pinned, directory, today=datetime.date(2026, 4, 2))
    assert stale.stale
    assert not stale.ok
    assert "STALE the snapshot is 91 days old, more than 90" in "\n".join(stale.lines())
    # The snapshot in the repository, against the clock, the way CI runs it.
    assert main(["check", "--max-age-days", "0"]) == 1
    assert "more than 0: run `make advisories`" in capsys.readouterr().out


def test_a_locked_package_missing_from_the_snapshot_fails(tmp_path, capsys):
    directory = snapshot(tmp_path, {"x": {}})
    report = audit(
        lock(tmp_path, "x==1.0\nnew-dependency==2.0 ; sys_platform == 'win32'\n"), directory
    )

    assert report.missing == ["new-dependency"]
    assert not report.ok
    assert "MISSING new-dependency: no entry in the snapshot's manifest; run `make advisories`" in (
        report.lines()
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id: [unclosed\n", "cannot be read"),
        ("summary: no id\naffected: []\n", "not an OSV advisory (no id)"),
        ("id: PYSEC-0000-3\n", "no list of affected packages"),
        (RANGE.replace('fixed: "1.4"', "fixed: not a version"), "'not a version' is not a version"),
        (RANGE.replace("type: ECOSYSTEM\n", ""), "not an OSV advisory (KeyError('type'))"),
        (RANGE.replace("Example_Package", "other"), "names no affected PyPI package"),
    ],
)
def test_a_malformed_advisory_is_an_error_naming_the_file(tmp_path, capsys, text, problem):
    directory = snapshot(tmp_path, {"example-package": {"PYSEC-0000-1": text}})
    pinned = lock(tmp_path, "example-package==1.0\n")

    assert main(["check", str(pinned), "--advisories", str(directory)]) == 2

    error = capsys.readouterr().err
    assert error.startswith(f"ERROR {directory / 'example-package' / 'PYSEC-0000-1.yaml'}: ")
    assert problem in error


def test_an_unpinned_line_of_the_lock_is_an_error_naming_the_line(tmp_path, capsys):
    assert main(["check", str(lock(tmp_path, "django==5.2.19\nrequests>=2\n"))]) == 2
    assert "requirements.lock:2: 'requests>=2': not pinned with ==" in capsys.readouterr().err


def test_a_refresh_copies_the_advisories_of_every_locked_package_and_lists_the_others(tmp_path):
    clone = tmp_path / "clone"
    (clone / "vulns" / "Example_Package").mkdir(parents=True)
    (clone / "vulns" / "Example_Package" / "PYSEC-0000-1.yaml").write_text(RANGE)
    (clone / "vulns" / "unlocked").mkdir()
    (clone / "vulns" / "unlocked" / "PYSEC-0000-9.yaml").write_text(RANGE)
    git = ["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "--quiet"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "advisories"], check=True)
    pinned = lock(tmp_path, "example-package==1.2\nquiet-package==1.0\n")
    directory = tmp_path / "advisories"

    manifest = refresh(clone, pinned, directory)

    assert manifest["packages"] == {"example-package": ["PYSEC-0000-1"], "quiet-package": []}
    assert manifest["license"] == "CC-BY-4.0"
    assert (directory / "example-package" / "PYSEC-0000-1.yaml").read_text() == RANGE
    assert not (directory / "unlocked").exists()
    report = audit(pinned, directory)
    assert [f.advisory for f in report.findings] == ["PYSEC-0000-1"]
    assert report.missing == []
