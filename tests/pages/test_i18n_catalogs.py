"""No string of the interface is left out of translation (docs/i18n.md).

Four checks. The templates hold no text outside {% translate %} / {% blocktranslate %}
(a scan: makemessages cannot see a string nobody marked). The staff messages of the admin,
the change sets and the publication services are not built from unmarked f-strings or
%-formatted literals (a scan of their syntax trees). Every marked string, in the templates,
the code and the scripts (static/js), is in the committed .po files (makemessages into a
temporary directory finds no msgid they lack). Every .po entry is translated, none fuzzy,
and compiles.

The last two need GNU gettext (xgettext, msgfmt); without it they are skipped, unless
IHL_REQUIRE_GETTEXT=1 (CI), where a missing gettext is a failure.
"""

import ast
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
# What `make po` reads for strings: the code (the audit trail's app too) and the templates;
# for the scripts' catalog (djangojs), the site's own scripts.
SOURCES = ["audit", "cases", "ihl", "jobs", "staff", "templates"]
SCRIPTS = "static/js"
DOMAINS = ["django", "djangojs"]


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


# ---- the staff messages built in Python ----------------------------------------------

# Where staff read what the code writes: the admin's notices, validation errors and titles,
# the change sets' and the publication services' refusals, the import report's problems and
# the data-quality checks.
MESSAGE_MODULES = sorted(
    [
        *(ROOT / "cases" / "admin").glob("*.py"),
        ROOT / "cases/changesets.py",
        ROOT / "cases/services.py",
        *(ROOT / "cases" / "exchange").glob("*.py"),
    ]
)
# Prose: two words, or one capitalised word ("Deleted {x}"). Addresses, lookups and keys
# ("{prefix}-TOTAL_FORMS", "admin:{app}_{model}_change") are not prose.
_PROSE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}|\b[A-Z][a-z]{2,}\b")
_SQL = re.compile(r"\s*(SELECT|UPDATE|INSERT|DELETE|COPY|CREATE|DROP|WITH)\b")
# English on purpose (docs/i18n.md, "Not done here"): data, stored or searched as written
# (the audit trail's `what`, a version's change reason, an ACLED event's description), and
# what the import and export commands print for operators.
_ENGLISH_ON_PURPOSE = {
    ("cases/admin/protected.py", "list of "),
    ("cases/exchange/importer.py", "Imported from "),
    ("cases/exchange/acled.py", "ACLED event :  / ."),
    ("cases/exchange/importer.py", ":  to create,  to update,  unchanged,  rejected"),
    ("cases/exchange/importer.py", ": give a .zip, a directory of CSV files or .ndjson."),
    ("cases/exchange/export.py", ": the name must end in .zip (CSV files) or .ndjson / .jsonl."),
}


# What shows a message to staff: a plain literal handed to one of these is unmarked too.
_SHOWN_BY = {"message_user", "add_error", "ValidationError", "PermissionDenied"}
_MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}  # messages.<level>()


def _shown_literals(call: ast.Call) -> list[str]:
    func = call.func
    shows = (isinstance(func, ast.Name) and func.id in _SHOWN_BY) or (
        isinstance(func, ast.Attribute)
        and (
            func.attr in _SHOWN_BY
            or (
                func.attr in _MESSAGE_LEVELS
                and isinstance(func.value, ast.Name)
                and func.value.id == "messages"
            )
        )
    )
    if not shows:
        return []
    return [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _unmarked_messages(source: str) -> list[str]:
    """Literal text with words that reaches a reader without gettext: an f-string, a
    literal formatted with % or .format(), format_html's literal template, or a plain
    literal handed to what shows a message. A string handed to gettext is none of these:
    gettext's argument is a plain literal, and the message shown is gettext's answer."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            found.extend(text for text in _shown_literals(node) if _PROSE.search(text))
        text = None
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                text = node.left.value
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "format":
                if isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
                    text = func.value.value
            elif isinstance(func, ast.Name) and func.id == "format_html" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    text = first.value
        if text is not None and _PROSE.search(text) and not _SQL.match(text):
            found.append(text)
    return found


def test_the_message_scan_finds_unmarked_messages():
    # The check must be able to fail: each way of building a message without gettext is
    # found; the same message marked is not.
    assert _unmarked_messages('message_user(request, f"“{obj}” is now published.")') == [
        "“” is now published."
    ]
    assert _unmarked_messages('raise ValidationError("%s is live." % record)') == ["%s is live."]
    assert _unmarked_messages('format_html("Kept in <a href={}>{}</a>", u, c)') != []
    assert _unmarked_messages('"Deleted {}".format(name)') == ["Deleted {}"]
    assert _unmarked_messages('self.add_error("source", "Give the source.")') == [
        "Give the source."
    ]
    assert _unmarked_messages('messages.warning(request, "Key shown once.")') != []
    assert _unmarked_messages('gettext("“%(r)s” is now published.") % {"r": obj}') == []
    assert _unmarked_messages('redirect(f"admin:{app}_{model}_change", pk)') == []
    assert _unmarked_messages('cursor.execute(f"DROP TABLE IF EXISTS {table}")') == []


@pytest.mark.parametrize("module", MESSAGE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_staff_message_is_built_unmarked(module):
    name = str(module.relative_to(ROOT))
    found = [
        text
        for text in _unmarked_messages(module.read_text(encoding="utf-8"))
        if (name, text) not in _ENGLISH_ON_PURPOSE
    ]
    assert found == [], 'mark them: gettext("… %(name)s …") % {...} (docs/i18n.md)'


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
    for name in [*SOURCES, SCRIPTS]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for domain in DOMAINS:
            call_command("makemessages", locale=["uk"], domain=domain, verbosity=0)
    finally:
        os.chdir(cwd)
    for domain, at_least in [("django", 500), ("djangojs", 10)]:
        fresh = _msgids(tmp_path / "locale" / "uk" / "LC_MESSAGES" / f"{domain}.po")
        assert len(fresh) > at_least, domain
        for language in LANGUAGES:
            committed = _msgids(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
            missing = sorted(fresh - committed)
            assert missing == [], (
                f"{language} {domain}: marked but not in the catalog (run `make po`, then "
                f"translate): {missing[:10]}"
            )


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_compiles(language, domain):
    _require_gettext()
    po = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
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
