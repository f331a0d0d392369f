"""Texts in several languages (docs/i18n.md, "Records in several languages").

A translated text keeps its original in its own column (`title`), in the record's
`original_language`, and each translation in a column of its own on the same row
(`title_fr`), with who translated it per language (`translated_by_fr`). Plain columns: the
admin form, the change set's kept form and diff, the preview, simple-history's versions,
the search document and the exchange format see them as ordinary fields, with no runtime
patching (docs/i18n.md says why not django-modeltranslation or django-parler).
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import CombinedSearchVector, SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Value, When
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info, gettext
from django.utils.translation import gettext_lazy as _

RECORD_LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# PostgreSQL's text-search configuration for each language; Ukrainian has none: `simple`.
SEARCH_CONFIGS: dict[str, str] = {
    "en": "english",
    "uk": "simple",
    "fr": "french",
    "es": "spanish",
    "ar": "arabic",
}


def translated_search_vector(field: str, *, weight: str) -> CombinedSearchVector:
    """`field` in every language, each with its language's text-search configuration: the
    original (in the row's original_language) and each translation. It reads only its own
    row, so a generated column can hold it. For an English original with no translation it
    holds exactly what `SearchVector(field, config="english")` did."""
    return reduce(
        operator.add,
        (
            SearchVector(
                Case(
                    When(original_language=code, then=F(field)),
                    default=Value(""),
                    output_field=models.TextField(),
                ),
                F(f"{field}_{code}"),
                weight=weight,
                config=SEARCH_CONFIGS[code],
            )
            for code in RECORD_LANGUAGES
        ),
    )


def language_label(code: str):
    """The language's name in the reader's language ("French", "французька"), lazily:
    Django's own catalogs translate the names."""
    return _(get_language_info(code)["name"])


def translated_texts(name: str, texts: dict[str, tuple[object, int | None]]) -> type:
    """An abstract model adding `original_language`, a column per language for each text
    (`{text}_{code}`: a CharField of the original's max_length, or a TextField when None)
    and `translated_by_{code}`. The model's own fields stay its originals.

    `texts` maps each text field's name to (its label, its max_length).
    """
    attrs: dict[str, object] = {
        "__module__": __name__,
        "Meta": type("Meta", (), {"abstract": True}),
        "TRANSLATED_TEXTS": tuple(texts),
        "original_language": models.CharField(
            _("original language"),
            max_length=8,
            choices=settings.LANGUAGES,
            default=settings.LANGUAGE_CODE,
            # Defaults in the database too: rows written without these columns (the
            # generator's COPY, an earlier migration's data written again) stay valid.
            db_default=settings.LANGUAGE_CODE,
            # Optional in forms: a form without it (a client of the admin written before it,
            # a change set kept then) means the default, as the records then were.
            blank=True,
            help_text=_("The language the texts above are written in."),
        ),
    }
    for code in RECORD_LANGUAGES:
        for field, (label, max_length) in texts.items():
            verbose = format_lazy("{} ({})", label, language_label(code))
            attrs[f"{field}_{code}"] = (
                models.CharField(
                    verbose, max_length=max_length, blank=True, default="", db_default=""
                )
                if max_length
                else models.TextField(verbose, blank=True, default="", db_default="")
            )
        attrs[f"translated_by_{code}"] = models.CharField(
            format_lazy("{} ({})", _("translated by"), language_label(code)),
            max_length=200,
            blank=True,
            default="",
            db_default="",
            help_text=_("Who translated the texts into this language (a person or a service)."),
        )
    return type(name, (TranslatedTexts,), attrs)


class TranslatedTexts(models.Model):
    """What every record with translated texts shares (its fields: translated_texts())."""

    TRANSLATED_TEXTS: tuple[str, ...] = ()
    original_language: str

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        self.clean_translations()

    def clean_translations(self) -> None:
        """The original's language has no translation of its own: its text is the original.
        A translator is named only for a language with a translation."""
        if not self.original_language:
            self.original_language = settings.LANGUAGE_CODE
        errors = {}
        for field in self.TRANSLATED_TEXTS:
            column = f"{field}_{self.original_language}"
            if getattr(self, column):
                errors[column] = gettext(
                    "The original is in this language: write the text in the original "
                    "field, not as a translation."
                )
        for code in RECORD_LANGUAGES:
            if getattr(self, f"translated_by_{code}") and not any(
                getattr(self, f"{field}_{code}") for field in self.TRANSLATED_TEXTS
            ):
                errors[f"translated_by_{code}"] = gettext(
                    "No text is translated into this language: leave the translator empty."
                )
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class ShownText:
    """A text as a reader sees it: in `language`, and whether it is the original shown
    because their language has no translation (`missing`: the language they asked for)."""

    text: str
    language: str
    original_language: str
    is_translation: bool
    translated_by: str = ""
    missing: str = ""

    @property
    def direction(self) -> str:
        return "rtl" if get_language_info(self.language)["bidi"] else "ltr"


def shown_text(record: models.Model, field: str, language: str | None = None) -> ShownText:
    """`field` of `record` in `language` (the active one by default) where it exists,
    else the original, saying which language is missing."""
    language = language or get_language() or settings.LANGUAGE_CODE
    language = language.split("-")[0]
    original = record.original_language
    if language != original and language in RECORD_LANGUAGES:
        translation = getattr(record, f"{field}_{language}")
        if translation:
            return ShownText(
                text=translation,
                language=language,
                original_language=original,
                is_translation=True,
                translated_by=getattr(record, f"translated_by_{language}"),
            )
    text = getattr(record, field)
    missing = language if language != original and text else ""
    return ShownText(text, original, original, False, missing=missing)


def translations_of(record: models.Model, field: str) -> dict[str, str]:
    """Every translation of `field`, by language (the API's `{field}_translations`)."""
    return {
        code: value
        for code in RECORD_LANGUAGES
        if code != record.original_language and (value := getattr(record, f"{field}_{code}"))
    }
