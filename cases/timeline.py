"""The search page's timeline as a tool (templates/cases/_timeline.html): one bar per month
or year, each a link that filters the search to its period by the search's own date
filters (date_from, date_to), an axis of labelled years, the counts as text and as a
table, and a bar of its own for the incidents whose start is unknown.

The counts are cases.search's (the Year facet's figures: incidents by the earliest day
they may have begun, among the search's matches or its sample); this module only lays
them out. Heights are classes in steps of 5% (static/css/timeline.css): the content
security policy allows no inline style.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.formats import date_format

STEPS = 20  # heights .h-0 to .h-20
# Past this many bars, the counts above the bars and some axis labels are left to the table
# (they would overlap); below it, every bar shows its count.
COUNTS_SHOWN_UP_TO = 16


@dataclass
class Bar:
    label: str  # "2022", "March 2022"
    axis_label: str  # shown under the bar, "" when only screen readers read it
    count: int
    height: int  # 0..STEPS
    date_from: str = ""  # ISO dates of the period; "" for the unknown-start bar
    date_to: str = ""


@dataclass
class Timeline:
    bars: list[Bar]
    unknown: Bar | None  # incidents whose earliest date is unknown: open start or undated
    unit: str  # "month" or "year"
    total: int
    counts_shown: bool

    @property
    def peak(self) -> int:
        return max([b.count for b in self.bars] + [self.unknown.count if self.unknown else 0])


def _height(count: int, peak: int) -> int:
    if not count:
        return 0
    return max(1, round(STEPS * count / peak))


def _period(day: datetime.date, unit: str) -> tuple[datetime.date, datetime.date]:
    if unit == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)


def _axis_labels(points: list[tuple[datetime.date, int]], unit: str) -> list[str]:
    """Labels under the bars: every year when they fit, else every fifth year (and the
    first and last); for months, the year at each January and at the first bar."""
    days = [day for day, _ in points]
    if unit == "month":
        return [str(day.year) if (i == 0 or day.month == 1) else "" for i, day in enumerate(days)]
    if len(days) <= COUNTS_SHOWN_UP_TO:
        return [str(day.year) for day in days]
    last = len(days) - 1
    return [
        str(day.year) if (i in (0, last) or day.year % 5 == 0) else "" for i, day in enumerate(days)
    ]


def build(points: list[tuple[datetime.date, int]], unit: str, total: int) -> Timeline | None:
    """The timeline of `total` incidents, `points` of them by month or year (search's
    SearchPage.timeline); the rest have no known start. None when there is nothing to show."""
    dated = sum(n for _, n in points)
    unknown_count = max(total - dated, 0)
    if not dated and not unknown_count:
        return None
    peak = max([n for _, n in points] + [unknown_count]) or 1
    bars = []
    for (day, count), axis_label in zip(points, _axis_labels(points, unit), strict=True):
        start, end = _period(day, unit)
        label = date_format(day, "F Y") if unit == "month" else str(day.year)
        bars.append(
            Bar(label, axis_label, count, _height(count, peak), start.isoformat(), end.isoformat())
        )
    unknown = None
    if unknown_count:
        unknown = Bar("", "", unknown_count, _height(unknown_count, peak))
    return Timeline(
        bars=bars,
        unknown=unknown,
        unit=unit,
        total=total,
        counts_shown=len(bars) <= COUNTS_SHOWN_UP_TO,
    )
