"""“Cite this record”: a record's title, permalink, the date of its version (last updated)
and the day it was read, in plain text, BibTeX and CSL-JSON.

Every record page shows it (templates/cases/_cite.html) and each format downloads from the
record's own address plus `cite.txt`, `cite.bib` or `cite.json`. A record is citable only
through its model's public() queryset (states and categories are public as a whole): a
hidden record's citation is a 404 like its page.
"""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views import View

from cases.models import (
    AccountabilityAction,
    Actor,
    Incident,
    Instrument,
    Provision,
    Source,
    State,
    ViolationCategory,
)

DATABASE_NAME = "IHL Case Database"

# kind: (the path of its record page, the field the path names, what may be cited)
CITABLE: dict[str, tuple[str, str, Callable[[], QuerySet]]] = {
    "incident": ("incidents/<str:key>/", "pk", lambda: Incident.objects.public()),
    "action": ("actions/<str:key>/", "pk", lambda: AccountabilityAction.objects.public()),
    "actor": ("actors/<str:key>/", "pk", lambda: Actor.objects.public()),
    "source": ("sources/<str:key>/", "pk", lambda: Source.objects.public()),
    "instrument": ("law/<slug:key>/", "slug", lambda: Instrument.objects.public()),
    "provision": (
        "provisions/<str:key>/",
        "pk",
        lambda: Provision.objects.public().select_related("instrument"),
    ),
    "state": ("states/<slug:key>/", "code", lambda: State.objects.all()),
    "category": ("categories/<slug:key>/", "slug", lambda: ViolationCategory.objects.all()),
}
# Kinds cited by their title; the others by their name (str()).
TITLED = {"incident", "action", "source", "instrument"}
KINDS = {
    Incident: "incident",
    AccountabilityAction: "action",
    Actor: "actor",
    Source: "source",
    Instrument: "instrument",
    Provision: "provision",
    State: "state",
    ViolationCategory: "category",
}
FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}
# Characters BibTeX reads as commands, escaped in a braced value.
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


@dataclass(frozen=True)
class RecordCitation:
    kind: str  # "incident"
    key: str  # the record's id, slug or code
    title: str
    url: str  # the permalink, absolute
    updated: datetime.date  # the date of the version cited
    accessed: datetime.date

    @classmethod
    def of(cls, record: Model, *, base_url: str, accessed: datetime.date) -> "RecordCitation":
        kind = KINDS[type(record)]
        key = str(getattr(record, CITABLE[kind][1]))
        return cls(
            kind=kind,
            key=key,
            title=record.title if kind in TITLED else str(record),  # type: ignore[attr-defined]
            url=base_url + record.get_absolute_url(),  # type: ignore[attr-defined]
            updated=timezone.localdate(record.updated_at),  # type: ignore[attr-defined]
            accessed=accessed,
        )

    @property
    def id(self) -> str:
        return f"ihl-{self.kind}-{re.sub(r'[^A-Za-z0-9]+', '-', self.key)}"

    def download_url(self, fmt: str) -> str:
        return f"{self.url}cite.{fmt}"

    def plain(self) -> str:
        return (
            f"“{self.title}”. {DATABASE_NAME}, {self.kind}, last updated "
            f"{_in_words(self.updated)}. {self.url} (accessed {_in_words(self.accessed)})."
        )

    def bibtex(self) -> str:
        fields = [
            ("title", f"{{{_bibtex(self.title)}}}"),  # double braces: keep its capitals
            ("organization", _bibtex(DATABASE_NAME)),
            ("howpublished", _bibtex(f"{DATABASE_NAME}, {self.kind}")),
            ("year", str(self.updated.year)),
            ("month", str(self.updated.month)),
            ("date", self.updated.isoformat()),
            ("note", f"Last updated {self.updated.isoformat()}"),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.id},\n{body}\n}}\n"

    def csl_json(self) -> str:
        item = {
            "id": self.id,
            "type": "webpage",
            "genre": self.kind,
            "title": self.title,
            "container-title": DATABASE_NAME,
            "URL": self.url,
            "issued": {"date-parts": [_parts(self.updated)]},
            "accessed": {"date-parts": [_parts(self.accessed)]},
        }
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def _in_words(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _parts(day: datetime.date) -> list[int]:
    return [day.year, day.month, day.day]


def _bibtex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m[1], "\\" + m[1]), text)


def citation_for(record: Model, request) -> RecordCitation:
    return RecordCitation.of(
        record,
        base_url=request.build_absolute_uri("/")[:-1],
        accessed=timezone.localdate(),
    )


class CiteView(View):
    """One record's citation as a file: cite.txt, cite.bib or cite.json. One query."""

    kind = ""

    def get(self, request, key, fmt):
        if fmt not in FORMATS:
            raise Http404(f"No citation format “{fmt}”: use txt, bib or json.")
        _path, field, queryset = CITABLE[self.kind]
        if field == "pk" and not key.isdigit():
            raise Http404(f"“{key[:20]}” is not the id of a {self.kind}.")
        value = key.upper() if field == "code" else key
        record = queryset().filter(**{field: value}).first()
        if record is None:
            raise Http404(f"No public {self.kind} here.")
        cite = citation_for(record, request)
        body = {"txt": cite.plain() + "\n", "bib": cite.bibtex(), "json": cite.csl_json()}[fmt]
        response = HttpResponse(body, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{cite.id}.{fmt}"'
        return response


def urlpatterns() -> list:
    """cite.txt, cite.bib and cite.json after each kind of record page's address."""
    return [
        path(
            f"{record_path}cite.<str:fmt>",
            CiteView.as_view(kind=kind),
            name=f"{kind}-cite",
        )
        for kind, (record_path, *_rest) in CITABLE.items()
    ]
