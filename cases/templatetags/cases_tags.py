"""Template helpers for the public pages: URLs that keep the search state, highlighted
snippets, numbers and dates in words, links to stored addresses."""

from urllib.parse import urlsplit

from django import template
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from cases.edtf import edtf_in_words
from cases.search import MARK_START, MARK_STOP

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current search URL's query string with some parameters set or removed.

    Any change resets the page, unless the change is the page itself.
    """
    params = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def web_link(url: str, label: str = "") -> str:
    """A link to a stored address, made only for http and https: an address such as
    "javascript:..." in the data is shown as text, never as a live link."""
    if not url:
        return ""
    if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return format_html('<span class="meta">{}</span>', url)
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, label or url)


@register.filter
def highlight(text: str) -> str:
    """Escape a ts_headline snippet, then turn its match markers into <mark>."""
    if not text:
        return ""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # escaped above; only our own tags are added


@register.simple_tag(takes_context=True)
def query_toggle(context, name: str, value: str) -> str:
    """The query string with `name` set to `value`, or removed if it already has that value."""
    current = context["request"].GET.get(name)
    return query(context, **{name: None if current == str(value) else value})


@register.filter
def edtf(text: str) -> str:
    """A reported date (EDTF) in words: 2022-02-24/.. -> from 24 February 2022 onwards."""
    return edtf_in_words(text)


@register.filter
def dictitem(mapping: dict, key):
    return mapping.get(key, "")


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def num(value) -> str:
    """1234567 -> 1,234,567, grouped as the active language groups digits (1 234 567 in
    Ukrainian and French); django.contrib.humanize is not installed."""
    return number_format(int(value), force_grouping=True)


@register.simple_tag
def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """The page numbers to link: the first, the last, and `radius` either side of `page`;
    None where two or more are left out (an ellipsis): 7 of 20 -> 1 … 5 6 7 8 9 … 20; one
    left out is shown instead: 4 of 20 -> 1 2 3 4 5 6 … 20."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] == 2:
            window.append(number - 1)
        elif window and number - window[-1] > 2:
            window.append(None)
        window.append(number)
    return window
