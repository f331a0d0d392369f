"""No string of the interface is left out of translation (docs/i18n.md).

Three checks. The templates hold no text outside {% translate %} / {% blocktranslate %}
(a scan: makemessages cannot see a string nobody marked). Every marked string, in the
templates and the code, is in the committed .po files (makemessages into a temporary
directory finds no msgid they lack). Every .po entry is translated, none fuzzy, and compiles.

The last two need GNU gettext (xgettext, msgfmt); without it they are skipped, unless
IHL_REQUIRE_GETTEXT=1 (CI), where a missing gettext is a failure.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
LOCALE = ROOT / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# What `make po` reads for strings: the code (the audit trail's app too) and the templates.
SOURCES = ["audit", "cases", "ihl", "staff", "templates"]


def _require_gettext():
    missing = [tool for tool in ("xgettext", "msgfmt") if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("IHL_REQUIRE_GETTEXT") == "1":
        pytest.fail(f"GNU gettext is missing ({', '.join(missing)}) and IHL_REQUIRE_GETTEXT=1")
    pytest.skip(f"GNU gettext is not installed ({', '.join(missing)}): apt install gettext")


# ---- the template scan ---------------------------------------------------------------

_TRANSLATED = re.compile(
    r"{%\s*blocktranslate.*?%}.*?{%\s*endblocktranslate\s*%}|{%\s*translate\b.*?%}", re.S
)
_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_UNTRANSLATED_BLOCKS = re.compile(r"<(script|style|code)\b.*?</\1>", re.S)
# Attributes a reader sees or hears.
_SHOWN_ATTRIBUTES = re.compile(r'\b(?:aria-label|placeholder|title|alt|value)="([^"]*)"')
# The same in every language: symbols, "SHA-256", "UTC", the names of the citation file
# formats; colM is a class of the admin layout.
_NOT_WORDS = {"colM", "SHA-256", "UTC", "BibTeX", "CSL-JSON", "×", "–", "—", "…", "·", "›", "→"}


def _untranslated_text(source: str) -> list[str]:
    source = _COMMENT.sub(" ", source)
    source = _TRANSLATED.sub(" ", source)
    found = []
    for value in _SHOWN_ATTRIBUTES.findall(source):
        if re.search(r"[A-Za-z]", _TAG.sub("", value)):
            found.append(value)
    body = _UNTRANSLATED_BLOCKS.sub(" ", source)
    body = _TAG.sub(" ", body)
    body = re.sub(r"<[^>]*>", " ", body)
    for word in re.findall(r"[^\s()\[\],.;:]+", body):
        if re.search(r"[A-Za-z]", word) and word not in _NOT_WORDS:
            found.append(word)
    return found


# English only, on purpose (docs/i18n.md): the partner API's reference page, like the
# OpenAPI schema and Swagger UI around it, is written for developers, in English.
ENGLISH_ONLY = {"api/docs.html"}


def _templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if str(path.relative_to(TEMPLATES)) not in ENGLISH_ONLY
    )


def test_the_scan_finds_unmarked_text():
    # The check must be able to fail: text outside a translate tag, in an attribute a
    # screen reader speaks, is found; the same text marked is not.
    assert _untranslated_text('<h2 id="x">Treaty status</h2>') == ["Treaty", "status"]
    assert _untranslated_text('<nav aria-label="Main">') == ["Main"]
    assert _untranslated_text('<h2>{% translate "Treaty status" %}</h2>') == []
    assert _untranslated_text("{% blocktranslate %}On {{ d }}{% endblocktranslate %}") == []


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_text_is_left_unmarked(template):
    assert _untranslated_text(template.read_text(encoding="utf-8")) == []


# ---- the catalogs ---------------------------------------------------------------------


def _msgids(po: Path) -> set[tuple[str, str]]:
    """(context, msgid) of every entry but the header, obsolete ones left out."""
    entries, key, current = set(), None, {}
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if match:
            key = match.group(1)
            current[key] = match.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip():
            if current.get("msgid"):
                entries.add((current.get("msgctxt", ""), current["msgid"]))
            current, key = {}, None
    return entries


def test_every_marked_string_is_in_the_catalogs(tmp_path, settings):
    _require_gettext()
    # makemessages writes into the locale/ directory beside what it reads: it reads a copy
    # of the sources here, so the committed catalogs are left as they are.
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["uk"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = _msgids(tmp_path / "locale" / "uk" / "LC_MESSAGES" / "django.po")
    assert len(fresh) > 500
    for language in LANGUAGES:
        committed = _msgids(LOCALE / language / "LC_MESSAGES" / "django.po")
        missing = sorted(fresh - committed)
        assert missing == [], (
            f"{language}: marked but not in the catalog (run `make po`, then translate): "
            f"{missing[:10]}"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_compiles(language):
    _require_gettext()
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # "726 translated messages." and nothing untranslated or fuzzy.
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_legal_terms_are_the_standard_ones(language):
    # The Rome Statute's name in each language, as the Court's official texts give it.
    rome = {
        "uk": "Римський статут",
        "fr": "Statut de Rome",
        "es": "Estatuto de Roma",
        "ar": "نظام روما الأساسي",
    }[language]
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert rome in text
