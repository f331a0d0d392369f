"""Cursor pagination: stable pages without a COUNT, and 400s (not 404s) for bad input."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

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
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({"cursor": ["Invalid cursor."]}) from exc

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["next"]["description"] = "The next page's URL; null on the last page."
        properties["previous"]["description"] = "The previous page's URL; null on the first."
        properties["results"]["description"] = "The records of this page."
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_ordering(self, request, queryset, view):
        """Search results by rank; otherwise the validated `ordering` parameter or the id."""
        if "search_rank" in queryset.query.annotations:
            return ("-search_rank", "-id")
        ordering = request.query_params.get("ordering", "")
        # The FilterSet rejects (400) values outside the documented choices; a view without
        # an ordering filter ignores the parameter.
        if ordering.lstrip("-") not in view.ordering_fields:
            ordering = view.default_ordering
        field = ordering.lstrip("-")
        if field in {"id", queryset.model._meta.pk.name}:
            return (ordering,)
        return (ordering, "-pk" if ordering.startswith("-") else "pk")
