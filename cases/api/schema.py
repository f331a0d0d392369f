"""OpenAPI additions: the error responses every operation can give, in the one error body,
and every query parameter an endpoint reads (it refuses the others)."""

from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_lib_doc_excludes
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cases.api.serializers import Described
from cases.cache import remember
from cases.models.translations import RECORD_LANGUAGES

# The records' texts in several languages (docs/api.md, "Languages"): read by
# views.text_options on the resources whose records have translated texts.
TEXT_PARAMETERS = {
    "lang": OpenApiParameter(
        "lang",
        OpenApiTypes.STR,
        enum=list(RECORD_LANGUAGES),
        description="The language of the records' texts (titles, summaries, ...): each "
        "text in it where translated, else the original; `languages` says which. Without "
        "it, the language of Accept-Language; without either, the originals.",
    ),
    "translations": OpenApiParameter(
        "translations",
        OpenApiTypes.STR,
        enum=["all"],
        description="`all`: add `translations`, every translation of the record's texts "
        "and who translated them.",
    ),
}


class ApiAutoSchema(AutoSchema):
    """Documents the query parameters QueryParametersMixin accepts (cases/api/views.py)."""

    def get_filter_backends(self):
        # The list's filters apply to its exports too, not only to the list.
        takes_filters = getattr(self.view, "takes_filters", None)
        if takes_filters is None:
            return super().get_filter_backends()
        return getattr(self.view, "filter_backends", []) if takes_filters() else []

    def _get_filter_parameters(self):
        """A filter given empty (?country=) means no filter, as in an HTML form: the schema
        says so (allowEmptyValue) for each filter that takes an empty value, found by
        asking its form field, not listed by hand (updated_since refuses one)."""
        parameters = super()._get_filter_parameters()
        filters = {}
        for backend in self.get_filter_backends():
            if issubclass(backend, DjangoFilterBackend):
                filterset_class = backend().get_filterset_class(self.view)
                filters |= filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            filter_ = filters.get(parameter["name"])
            if filter_ is not None and takes_empty(filter_.field):
                parameter["allowEmptyValue"] = True
        return parameters

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        translated = getattr(self.view, "translated", None)
        if translated is not None and translated():
            parameters = [*parameters, *TEXT_PARAMETERS.values()]
        name = api_settings.URL_FORMAT_OVERRIDE
        if not name:
            return parameters
        fmt = OpenApiParameter(
            name,
            OpenApiTypes.STR,
            enum=self.map_renderers("format"),
            description="The response format, instead of the Accept header.",
        )
        return [*parameters, fmt]


def takes_empty(field: forms.Field) -> bool:
    try:
        field.clean("")
    except forms.ValidationError:
        return False
    return True


ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every error response.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "description": "What went wrong.",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status code."},
                "code": {
                    "type": "string",
                    "description": "A machine-readable code, e.g. invalid, not_found, throttled.",
                },
                "message": {"type": "string", "description": "What went wrong, in words."},
                "fields": {
                    "type": "object",
                    "description": "For invalid parameters: each parameter's messages.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

ERRORS = {
    "400": "A parameter is invalid; error.fields names it.",
    "401": "The API key is unknown or revoked.",
    "404": "No public record with this id.",
    "406": "The Accept header asks for a format this endpoint does not give.",
    "429": "Rate limit reached; retry after the number of seconds in Retry-After.",
}


# The server refuses a NUL character in any text parameter (PostgreSQL text cannot hold
# one): a 400 from Django's and DRF's fields, or a 404 in a path.
NO_NUL = r"^[^\x00]*$"


def refuse_nul(schema: dict) -> None:
    if schema.get("type") == "array":
        refuse_nul(schema.get("items", {}))
    elif schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_NUL)


def add_error_responses(result, generator, request, public):
    """Drf-spectacular postprocessing hook: document the error responses and 304, and that
    text parameters take no NUL."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                refuse_nul(parameter["schema"])
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            responses.setdefault(
                "304", {"description": "Not modified: the ETag sent in If-None-Match still holds."}
            )
    return result


def doc_excludes() -> list[type]:
    """Classes whose docstrings do not describe a schema (GET_LIB_DOC_EXCLUDES): DRF's, as
    drf-spectacular leaves out by default, and our serializers' base, whose docstring
    explains our code to its readers; without this, every serializer with no docstring of
    its own showed it to partners as its description."""
    return [*get_lib_doc_excludes(), Described]


class CachedSchemaView(SpectacularAPIView):
    """The schema, built once per version and language in a generation (cases/cache.py):
    building it walks every view and serializer (about a second) and it is the same for
    every caller. Each request still renders it in the format it negotiated."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)

        def build() -> dict:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            return generator.get_schema(request=request, public=self.serve_public)

        filename = self._get_filename(request, version)
        return Response(
            data=remember("openapi-schema", [version], build, request),
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
