"""Pages of the site that staff write without a deploy (the About page), reviewed and
published like every record: an edit of a published page waits in a change set
(docs/change-sets.md)."""

import re

from django.db import models
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .base import History, Publishable, PublishableQuerySet
from .translations import shown_text, translated_texts

BODY_HELP = _(
    "Plain text. A blank line starts a new paragraph; a line “## Heading” is a heading; "
    "lines starting with “- ” are a list; [text](https://example.org) is a link (http and "
    "https only). Any HTML is shown as text."
)

_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)")


def render_body(text: str) -> SafeString:
    """The body as HTML: paragraphs, ## headings, - lists and [text](url) links whose
    address is http or https; everything else escaped, so no markup of its own reaches
    the page (a javascript: or data: link stays text)."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("## "):
            html.append(format_html("<h2>{}</h2>", _inline(lines[0][3:])))
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append(f"<p>{_inline(' '.join(lines))}</p>")
    return mark_safe("\n".join(html))  # every text part escaped by _inline


def _inline(text: str) -> SafeString:
    """Escaped text with its http(s) links as <a>; other links left as the text typed."""
    parts, position = [], 0
    for match in _LINK.finditer(text):
        label, url = match.groups()
        if not re.match(r"https?://[^\s/$.?#]", url, re.IGNORECASE):
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html('<a href="{}">{}</a>', url, label))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


SitePageTexts = translated_texts(
    "SitePageTexts",
    {
        "title": (_("title"), 200),
        "body": (_("body"), None),
    },
)


class SitePage(SitePageTexts, Publishable):
    """A page of the site's own text, by slug ("about")."""

    slug = models.SlugField(max_length=50, unique=True, help_text=_("Its address: about."))
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="", help_text=BODY_HELP)

    objects = PublishableQuerySet.as_manager()
    history = History()

    class Meta:
        permissions = [("publish_sitepage", "Can publish and withdraw site page")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.slug == "about":
            return reverse("cases:about")
        return reverse("cases:home")

    def body_html(self) -> SafeString:
        """The body in the reader's language where translated, else the original (the
        same choice as {% record_text %}: shown_text)."""
        return render_body(shown_text(self, "body").text)
