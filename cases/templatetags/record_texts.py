"""A record's texts in the reader's language (docs/i18n.md, "Records in several languages").

`{% record_text incident "title" %}` writes the text in the page's language where a
translation exists, else the original, marked with its `lang` (and `dir`) when that differs
from the page's. `{% translation_note incident %}`, once under a record's heading, says
which: "Original language: Ukrainian; not yet translated into French." or "Translated from
Ukrainian by …". The choice itself is cases.models.translations.shown_text().
"""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, gettext

from cases.models.translations import shown_text

register = template.Library()


def _name(code: str) -> str:
    """The language's name as a word inside a sentence of the page's language."""
    name = get_language_info(code)["name_translated"]
    return name if (get_language() or "en").startswith("en") else name.lower()


@register.simple_tag
def record_text(record, field: str, words: int = 0, markup: bool = True):
    shown = shown_text(record, field)
    text = truncatewords(shown.text, words) if words else shown.text
    page = (get_language() or "en").split("-")[0]
    if not markup or shown.language == page:
        return text
    return format_html('<span lang="{}" dir="{}">{}</span>', shown.language, shown.direction, text)


@register.simple_tag
def translation_note(record):
    shown = [shown_text(record, field) for field in record.TRANSLATED_TEXTS]
    shown = [s for s in shown if s.text]
    if not shown:
        return ""
    original = _name(shown[0].original_language)
    missing = next((s.missing for s in shown if s.missing), "")
    if missing:
        message = gettext(
            "Original language: %(original)s; not yet translated into %(language)s."
        ) % {"original": original, "language": _name(missing)}
    elif any(s.is_translation for s in shown):
        translators = sorted({s.translated_by for s in shown if s.translated_by})
        if translators:
            message = gettext("Translated from %(original)s by %(translator)s.") % {
                "original": original,
                "translator": ", ".join(translators),
            }
        else:
            message = gettext("Translated from %(original)s.") % {"original": original}
    else:
        return ""
    return format_html('<p class="translation-note">{}</p>', message)


@register.simple_tag
def record_lang(record, field: str):
    """` lang="uk" dir="ltr"` for the element holding the text, when the text shown is in
    another language than the page's; nothing when it is the page's."""
    shown = shown_text(record, field)
    if shown.language == (get_language() or "en").split("-")[0]:
        return ""
    return format_html(' lang="{}" dir="{}"', shown.language, shown.direction)
