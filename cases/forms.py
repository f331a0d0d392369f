"""Validation of the public search page's GET parameters.

Every parameter is optional. A value that does not validate is reported on the page by
field name and left out of the search; it never reaches a query.
"""

from django import forms
from django.http import HttpResponseBadRequest, QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from cases import search
from cases.models import (
    ActionKind,
    ActionStatus,
    Actor,
    ConflictType,
    Instrument,
    Provision,
    State,
    VerificationStatus,
    ViolationCategory,
)


class YearField(forms.IntegerField):
    """A year from 1800 to 2200, or "unknown" (search.START_UNKNOWN): the incidents whose
    start is unknown, the Year facet's last bucket. The page and the API take the same."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1800, max_value=2200, **kwargs)
        # Lazy: the field is made once, at import, and its message read in the reader's language.
        self.error_messages["invalid"] = format_lazy(
            _(
                "Enter a whole number (a year), or “{unknown}” for incidents whose start is "
                "unknown."
            ),
            unknown=search.START_UNKNOWN,
        )

    def to_python(self, value):
        if isinstance(value, str) and value.strip().lower() == search.START_UNKNOWN:
            return search.START_UNKNOWN
        return super().to_python(value)

    def run_validators(self, value):
        if value != search.START_UNKNOWN:
            super().run_validators(value)


# Parameter name -> the label used in messages and the list of active filters. The
# filters have the same names on the page, its CSV export and the API (cases.search.Filters).
FILTER_LABELS = {
    "q": _("Search text"),
    "country": _("Country"),
    "subdivision": _("Region"),
    "category": _("Violation category"),
    "instrument": _("Instrument"),
    "provision": _("Provision"),
    "actor": _("Actor"),
    "action_kind": _("Action kind"),
    "action_status": _("Action status"),
    "verification_status": _("Verification status"),
    "conflict_type": _("Conflict type"),
    "year": _("Year"),
    "date_from": _("From"),
    "date_to": _("To"),
    "sort": _("Sort"),
    "page": _("Page"),
}


def current_names(params: QueryDict) -> QueryDict:
    """`params` with each old name replaced by its current name (given both, the current
    name's value is kept and the old one dropped)."""
    renamed = params.copy()
    for old, new in search.OLD_NAMES.items():
        if old in renamed:
            values = renamed.pop(old)
            if new not in renamed:
                renamed.setlist(new, values)
    return renamed


def _blank_choice(choices) -> list:
    return [("", _("Any")), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        strip=True,
        label=_("Search text"),
        error_messages={
            "max_length": _(
                "The search text is too long: at most %(limit_value)d characters "
                "(it has %(show_value)d). It was not used."
            )
        },
    )
    country = forms.CharField(required=False, max_length=2, label=_("Country"))
    category = forms.SlugField(required=False, max_length=80, label=_("Violation category"))
    instrument = forms.SlugField(required=False, max_length=80, label=_("Instrument"))
    provision = forms.IntegerField(required=False, min_value=1, label=_("Provision"))
    actor = forms.IntegerField(required=False, min_value=1, label=_("Actor"))
    subdivision = forms.CharField(required=False, max_length=10, label=_("Region"))
    action_kind = forms.ChoiceField(
        required=False, choices=_blank_choice(ActionKind.choices), label=_("Action kind")
    )
    action_status = forms.ChoiceField(
        required=False, choices=_blank_choice(ActionStatus.choices), label=_("Action status")
    )
    verification_status = forms.ChoiceField(
        required=False,
        choices=_blank_choice(VerificationStatus.choices),
        label=_("Verification status"),
    )
    conflict_type = forms.ChoiceField(
        required=False, choices=_blank_choice(ConflictType.choices), label=_("Conflict type")
    )
    year = YearField(required=False, label=_("Year"))
    date_from = forms.DateField(
        required=False,
        label=_("From"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2022-02-24.")},
    )
    date_to = forms.DateField(
        required=False,
        label=_("To"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2022-02-24.")},
    )
    sort = forms.ChoiceField(required=False, choices=list(search.SORTS.items()), label=_("Sort"))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, label=_("Page"))

    def __init__(self, params: QueryDict, *args, **kwargs):
        super().__init__(current_names(params), *args, **kwargs)

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        # Control characters can only come from a crafted URL; they would confuse the parser.
        return "".join(ch for ch in text if ch.isprintable() or ch == " ")

    def clean_country(self):
        code = self.cleaned_data["country"].upper()
        if not code:
            return None
        state = State.objects.filter(code=code).first()
        if state is None:
            raise forms.ValidationError(
                _("“%(code)s” is not a country in this database."), params={"code": code}
            )
        return state

    def clean_category(self):
        slug = self.cleaned_data["category"]
        if not slug:
            return None
        category = ViolationCategory.objects.filter(slug=slug).first()
        if category is None:
            raise forms.ValidationError(
                _("There is no violation category “%(slug)s”."), params={"slug": slug}
            )
        return category

    def clean_instrument(self):
        slug = self.cleaned_data["instrument"]
        if not slug:
            return None
        instrument = Instrument.objects.public().filter(slug=slug).first()
        if instrument is None:
            raise forms.ValidationError(
                _("There is no instrument “%(slug)s”."), params={"slug": slug}
            )
        return instrument

    def clean_provision(self):
        pk = self.cleaned_data["provision"]
        if pk is None:
            return None
        provision = Provision.objects.public().select_related("instrument").filter(pk=pk).first()
        if provision is None:
            raise forms.ValidationError(
                _("There is no provision number %(pk)s."), params={"pk": pk}
            )
        return provision

    def clean_actor(self):
        pk = self.cleaned_data["actor"]
        if pk is None:
            return None
        actor = Actor.objects.public().filter(pk=pk).first()
        if actor is None:
            raise forms.ValidationError(_("There is no actor number %(pk)s."), params={"pk": pk})
        return actor

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def valid_data(self) -> dict:
        """The cleaned values of the fields that validated; invalid ones are left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def valid_params(self) -> QueryDict:
        """The parameters without the ones that did not validate."""
        self.is_valid()
        kept = self.data.copy()
        for name in self.errors:
            kept.pop(name, None)
        return kept

    def error_list(self) -> list[str]:
        """Messages naming the parameter, for the top of the page."""
        messages = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            for error in errors:
                messages.append(
                    pgettext("a search parameter and what is wrong with it", "%(label)s: %(error)s")
                    % {"label": label, "error": error}
                )
        return messages

    def bad_request(self) -> HttpResponseBadRequest:
        """A download (the CSV, the map's data) with a filter that does not validate: a 400
        with the page's message for each, since a file cannot show what it left out."""
        return HttpResponseBadRequest(
            "".join(f"{message}\n" for message in self.error_list()),
            content_type="text/plain; charset=utf-8",
        )

    def filters(self) -> search.Filters:
        data = self.valid_data()
        return search.Filters.of(data, text=data.get("q") or "")
