"""Cursor pagination: stable pages, a count that stops at COUNT_LIMIT, and 400s (not 404s)
for bad input."""

import datetime
from base64 import b64decode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, FloatField, QuerySet
from django.utils.translation import gettext
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response

from cases.search import COUNT_LIMIT, incident_query, ranked_page, search_text

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class ApiCursorPagination(CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering = "id"
    page_size_query_description = (
        f"Results per page: 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}). "
        "A larger value is an error, not silently reduced."
    )
    cursor_query_description = "The position of a page: copy it from a response's next/previous."

    def paginate_queryset(self, queryset, request, view=None):
        self.ranked_offset: int | None = None
        text = search_text(queryset)
        if text is not None:
            return self.paginate_ranked(queryset, text, request)
        self.count, self.count_exact = count_up_to(queryset, COUNT_LIMIT)
        return super().paginate_queryset(queryset, request, view)

    def paginate_ranked(self, queryset, text: str, request) -> list:
        """A search where the ranked index is: its pages are positions in the ranking of
        every match, best first (cases.search.ranked_page), up to the COUNT_LIMIT best.
        The cursor holds the position (an offset), which DRF caps at 1,000."""
        self.count, self.count_exact = count_up_to(
            queryset.filter(search_vector=incident_query(text)), COUNT_LIMIT
        )
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.request = request
        self.position_field = FloatField()  # for a cursor written by an unranked list
        cursor = self.decode_cursor(request)
        offset = cursor.offset if cursor is not None else 0
        rows = list(ranked_page(queryset, text, offset=offset, limit=self.page_size + 1))
        self.page = rows[: self.page_size]
        self.ranked_offset = offset
        self.has_next = len(rows) > self.page_size and offset + self.page_size < COUNT_LIMIT
        self.has_previous = offset > 0
        return self.page

    def get_next_link(self):
        if self.ranked_offset is None:
            return super().get_next_link()
        if not self.has_next:
            return None
        return self.encode_cursor(Cursor(self.ranked_offset + self.page_size, False, None))

    def get_previous_link(self):
        if self.ranked_offset is None:
            return super().get_previous_link()
        if not self.has_previous:
            return None
        offset = max(self.ranked_offset - self.page_size, 0)
        return self.encode_cursor(Cursor(offset, False, None))

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    "page_size": [
                        gettext("Must be a whole number from 1 to %(max)s.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def decode_cursor(self, request) -> Cursor | None:
        """A cursor this API could have written, or a 400: cursors are opaque to clients.

        DRF checks the cursor's structure; the position is checked here too, against the
        type of the field the page is ordered by (an id, a time, a rank, a code), so that
        a cursor made up by hand cannot reach the query as a value of the wrong type.
        """
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded:
                # DRF's decoding skips characters outside base64: "%00" would be page one.
                b64decode(encoded.encode("ascii"), validate=True)
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                self.check_position(cursor.position)
        except (NotFound, ValueError, OverflowError, DjangoValidationError) as exc:
            raise ValidationError({"cursor": [gettext("Invalid cursor.")]}) from exc
        return cursor

    def check_position(self, position: str) -> None:
        """Raises ValueError, OverflowError or Django's ValidationError unless `position`
        is a value of the ordering field, as this class writes it."""
        if "\x00" in position:
            raise ValueError("PostgreSQL text cannot hold NUL.")
        value = self.position_field.to_python(position)
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                raise ValueError("Positions in time are written with their offset.")
            value.astimezone(datetime.UTC)  # OverflowError near the years 1 and 9999

    def order_field(self, queryset: QuerySet, name: str) -> Field:
        """The model field or annotation a page is ordered by."""
        if name in queryset.query.annotations:
            return queryset.query.annotations[name].output_field
        return queryset.model._meta.get_field(name)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_exact", "next", "previous", "results"]
        properties = {
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "How many records the list has, with its filters (every page "
                f"gives the same). Exact up to {COUNT_LIMIT:,}; past that the counting stops "
                f"and this is {COUNT_LIMIT:,}, with count_exact false: more than "
                f"{COUNT_LIMIT:,}, as on the search page.",
                "example": 123,
            },
            "count_exact": {
                "type": "boolean",
                "description": "true: count is the number of records; false: there are "
                "more than count.",
                "example": True,
            },
            **response["properties"],
        }
        response["properties"] = properties
        properties["next"]["description"] = "The next page's URL; null on the last page."
        properties["previous"]["description"] = "The previous page's URL; null on the first."
        properties["results"]["description"] = "The records of this page."
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.cursor_query_param:
                parameter["allowEmptyValue"] = True  # empty: the first page
        return parameters

    def get_ordering(self, request, queryset, view):
        """Search results by rank; otherwise the validated `ordering` parameter or the id.

        Also notes the field of the first key: the cursor's position is a value of it.
        """
        ordering = self._ordering(request, queryset, view)
        self.position_field = self.order_field(queryset, ordering[0].lstrip("-"))
        return ordering

    def _ordering(self, request, queryset, view) -> tuple[str, ...]:
        if "search_rank" in queryset.query.annotations:
            return ("-search_rank", "-id")
        ordering = request.query_params.get("ordering", "")
        # The FilterSet rejects (400) values outside the documented choices, and a view
        # without an ordering filter refuses the parameter as unknown.
        if ordering.lstrip("-") not in view.ordering_fields:
            ordering = view.default_ordering
        field = ordering.lstrip("-")
        if field in {"id", queryset.model._meta.pk.name}:
            return (ordering,)
        return (ordering, "-pk" if ordering.startswith("-") else "pk")


def count_up_to(queryset: QuerySet, limit: int) -> tuple[int, bool]:
    """The number of rows, exact up to `limit`, and whether it is exact (else: more than
    `limit`). One query that stops reading after limit + 1 rows, so a list's count costs
    no more than reading a few pages of it, however large the table."""
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return min(found, limit), found <= limit
