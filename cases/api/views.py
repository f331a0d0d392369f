"""The partner API: one read-only viewset per resource, all starting from public().

Query shapes (select_related / Prefetch into public_* attributes) are here, next to the
serializers that read them; every related queryset goes through its model's public() too.
"""

import base64
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from cases.exports import EXPORT_CHUNK_SIZE, INCIDENT_COLUMNS, csv_lines, incident_rows
from cases.models import (
    AccountabilityAction,
    Actor,
    Incident,
    Instrument,
    Provision,
    Source,
    State,
    Tombstone,
    TreatyEvent,
    TreatyStatus,
    ViolationCategory,
)
from cases.models.jurisdiction import IccJurisdiction, icc_jurisdiction, incident_jurisdiction
from cases.models.law import treaty_events_of
from cases.models.translations import RECORD_LANGUAGES
from cases.search import OLD_NAMES, ranked_matches, search_text
from ihl.db_router import read_alias

from . import filters
from . import serializers as s
from .errors import UnknownParameters
from .pagination import ApiCursorPagination
from .schema import TEXT_PARAMETERS, ApiAutoSchema

# The guides (docs as text) hold no record: a proxy may keep them a minute.
GUIDE_CACHE_SECONDS = 60


class NDJSONRenderer(renderers.BaseRenderer):
    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = "utf-8"


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


def ndjson_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


class HttpCachingMixin:
    """ETag on every successful read (304 on If-None-Match) and Cache-Control: public,
    no-cache: a browser or proxy may keep the answer but asks again each time (a 304 when
    unchanged), so a withdrawn record is never served from a cache (docs/api.md, "HTTP
    caching").

    Last-Modified on a detail is the record's own last change, for information only: it
    does not see changes to embedded rows, so revalidation uses the ETag (a hash of the
    body), which does.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_cache_control(response, public=True, no_cache=True)
        if response.streaming:
            return response
        response.render()
        set_response_etag(response)
        updated_at = getattr(self, "last_modified", None)
        if updated_at:
            response["Last-Modified"] = http_date(updated_at.timestamp())
        return get_conditional_response(request, etag=response["ETag"], response=response)


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when no filter parameter is given (most list pages): building
    and validating a FilterSet's form costs more than the page's query."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class and not set(request.query_params) & set(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StatementTimeoutMixin:
    """Runs the request in a transaction whose statements the database cancels after
    settings.API_STATEMENT_TIMEOUT_MS: an anonymous client cannot tie up a worker with a slow
    query, and the cancellation is a 503 in the API's error body (errors.QueryTimeout), not
    gunicorn's HTML 500 when it kills the worker. (A streaming export's rows are read after
    the view returns, outside the transaction: the timeout covers its validation only.)"""

    def dispatch(self, request, *args, **kwargs):
        timeout = settings.API_STATEMENT_TIMEOUT_MS
        if not timeout:
            return super().dispatch(request, *args, **kwargs)
        # On the database this request reads from: a replica for a public read (ihl/db_router.py).
        using = read_alias()
        nested = connections[using].in_atomic_block
        with transaction.atomic(using=using):
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(timeout)])
            response = super().dispatch(request, *args, **kwargs)
            if nested and not transaction.get_rollback(using=using):
                # Inside an outer transaction (tests), SET LOCAL would outlive the request.
                with connections[using].cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
        return response


class QueryParametersMixin:
    """Refuses (400) a query parameter the endpoint does not read, naming those it reads.

    What an endpoint reads is found where its OpenAPI parameters are (ApiAutoSchema): the
    FilterSet of its filter backends (lists and exports), its paginator's parameters, an
    action's own `query_serializer`, and DRF's `format`. No list is kept by hand.
    """

    schema = ApiAutoSchema()
    query_serializer: type[serializers.Serializer] | None = None
    # Names the endpoint refuses with the name to use instead.
    renamed_parameters: dict[str, str] = {}

    def takes_filters(self) -> bool:
        """Lists and exports read the filters (and a list its paginator); a detail does not."""
        return getattr(self, "detail", None) is False

    def query_parameters(self) -> set[str]:
        names = set()
        if api_settings.URL_FORMAT_OVERRIDE:
            names.add(api_settings.URL_FORMAT_OVERRIDE)
        if self.query_serializer is not None:
            names |= set(self.query_serializer().fields)
        if self.takes_filters():
            for backend_class in getattr(self, "filter_backends", []):
                backend = backend_class()
                if isinstance(backend, DjangoFilterBackend):
                    filterset_class = backend.get_filterset_class(self)
                    names |= set(filterset_class.base_filters) if filterset_class else set()
                else:
                    names |= {p["name"] for p in backend.get_schema_operation_parameters(self)}
            if getattr(self, "paginator", None) is not None:
                names |= {p["name"] for p in self.paginator.get_schema_operation_parameters(self)}
        return names

    def perform_content_negotiation(self, request, force=False):
        # DRF answers a `format` no renderer gives with a 404, and ignores an empty one:
        # both are an invalid choice.
        name = api_settings.URL_FORMAT_OVERRIDE
        value = request.query_params.get(name) if name else None
        try:
            if value == "" and not force:
                raise Http404
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:
            if value is None:
                raise
            formats = ", ".join(renderer.format for renderer in self.get_renderers())
            raise ValidationError(
                {
                    name: [
                        gettext("“%(value)s” is not one of the valid values: %(values)s.")
                        % {"value": value, "values": formats}
                    ]
                },
                code="invalid_choice",
            ) from exc

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.query_params:
            accepted = self.query_parameters()
            unknown = set(request.query_params) - accepted
            if unknown:
                raise UnknownParameters(unknown, accepted, self.renamed_parameters)


def text_options(request) -> tuple[str | None, bool]:
    """The language asked for the records' texts (`?lang=`, else the Accept-Language or
    language cookie Django resolved; None: the originals, as before) and whether all the
    translations are asked for. A value it does not know is a 400 naming the parameter."""
    params = request.query_params
    errors = {}
    language = params.get("lang")
    if language is not None and language not in RECORD_LANGUAGES:
        errors["lang"] = [
            gettext("“%(value)s” is not one of the valid values: %(values)s.")
            % {"value": language, "values": ", ".join(RECORD_LANGUAGES)}
        ]
    translations = params.get("translations")
    if translations is not None and translations != "all":
        errors["translations"] = [
            gettext("“%(value)s” is not one of the valid values: %(values)s.")
            % {"value": translations, "values": "all"}
        ]
    if errors:
        raise ValidationError(errors, code="invalid_choice")
    if language is None and (
        "HTTP_ACCEPT_LANGUAGE" in request.META or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    ):
        language = getattr(request, "LANGUAGE_CODE", None)
    return language, translations == "all"


class PublicViewSet(
    StatementTimeoutMixin, QueryParametersMixin, HttpCachingMixin, ReadOnlyModelViewSet
):
    """A read-only resource: list (cursor-paginated, filtered), detail, and bulk export."""

    list_serializer_class: type[serializers.Serializer]
    detail_serializer_class: type[serializers.Serializer]
    filter_backends = [FilterBackend]
    pagination_class = ApiCursorPagination
    default_ordering = "id"
    ordering_fields = ("id", "updated_at")

    def list_queryset(self):
        raise NotImplementedError

    def translated(self) -> bool:
        """Whether the answer's records have texts in several languages (`?lang=`). Not
        the CSV export: its columns are the originals (the incidents' are the search
        page's)."""
        model = self.list_serializer_class.Meta.model
        return bool(getattr(model, "TRANSLATED_TEXTS", ())) and self.action != "export_csv"

    def query_parameters(self) -> set[str]:
        names = super().query_parameters()
        return names | set(TEXT_PARAMETERS) if self.translated() else names

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.translated():
            self.text_language, self.all_translations = text_options(request)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["text_language"] = getattr(self, "text_language", None)
        context["all_translations"] = getattr(self, "all_translations", False)
        return context

    def detail_queryset(self):
        return self.list_queryset()

    def get_queryset(self):
        if self.action == "retrieve":
            return self.detail_queryset()
        return self.list_queryset()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        return self.list_serializer_class

    def options(self, request, *args, **kwargs):
        # The exports' renderers write only records: describe the endpoint in JSON.
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().options(request, *args, **kwargs)

    def handle_exception(self, exc):
        # Errors are JSON, also on the CSV and NDJSON exports.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)

    def get_object(self):
        # A slug or code with a NUL names no record, and PostgreSQL text cannot hold one.
        if "\x00" in self.kwargs[self.lookup_url_kwarg or self.lookup_field]:
            raise NotFound()
        obj = super().get_object()
        self.last_modified = getattr(obj, "updated_at", None)
        return obj

    def export_queryset(self, request, queryset):
        """`queryset` filtered by the request's filters, in the list's order."""
        queryset = self.filter_queryset(queryset)
        text = search_text(queryset)
        if text is not None:  # a search where the ranked index is: every match, best first
            return ranked_matches(queryset, text)
        if "search_rank" not in queryset.query.annotations:
            # The list's order: the validated `ordering` parameter, or the default.
            queryset = queryset.order_by(
                *ApiCursorPagination().get_ordering(request, queryset, self)
            )
        return queryset

    def export_rows(self, request) -> Iterator[dict]:
        queryset = self.export_queryset(request, self.list_queryset())
        serializer = self.list_serializer_class(context=self.get_serializer_context())
        # iterator() reads through a server-side cursor, chunk by chunk (with prefetches).
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield serializer.to_representation(obj)

    def csv_lines(self, request) -> Iterator[str]:
        """The CSV export: the list's fields."""
        columns = list(self.list_serializer_class.Meta.fields)
        return csv_lines(self.export_rows(request), columns)

    def _export(self, request, lines, content_type: str, extension: str):
        # Validate the filters now: once streaming has begun, an error cannot become a 400.
        self.filter_queryset(self.list_queryset())
        response = StreamingHttpResponse(lines, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.basename}.{extension}"'
        return response

    @extend_schema(
        summary="Bulk export as NDJSON (one JSON object a line), with the list's filters",
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="One list-shaped record per line."
            )
        },
    )
    @action(
        detail=False,
        url_path="export/ndjson",
        url_name="export-ndjson",
        renderer_classes=[NDJSONRenderer],
        pagination_class=None,
    )
    def export_ndjson(self, request):
        return self._export(
            request, ndjson_lines(self.export_rows(request)), "application/x-ndjson", "ndjson"
        )

    @extend_schema(
        summary="Bulk export as CSV, with the list's filters",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="A header row, then one row per record. Nested records are "
                "given by their identifier, lists joined with |.",
            )
        },
    )
    @action(
        detail=False,
        url_path="export/csv",
        url_name="export-csv",
        renderer_classes=[CSVRenderer],
        pagination_class=None,
    )
    def export_csv(self, request):
        return self._export(request, self.csv_lines(request), "text/csv; charset=utf-8", "csv")


PUBLIC_PROVISIONS = Provision.objects.public().select_related("instrument")


# The list's rows as dicts (IncidentListSerializer.to_representation reads them): a page
# builds no model instances. Only what the list shows: the search columns are large.
INCIDENT_LIST_VALUES = [
    *(
        f
        for f in s.IncidentListSerializer.Meta.fields
        if f not in ("categories", "parent", "country", "controlling_power")
    ),
    "country__code",
    "country__name",
    "controlling_power__code",
    "controlling_power__name",
    # The texts in every language (`?lang=`, `?translations=all`): columns of the same row.
    "original_language",
    *(f"{text}_{code}" for text in ("title", "summary") for code in RECORD_LANGUAGES),
    *(f"translated_by_{code}" for code in RECORD_LANGUAGES),
]
INCIDENT_LIST_ANNOTATIONS = {
    # Slugs in the row itself: no second query, no category objects to build.
    "category_slugs": ArraySubquery(
        ViolationCategory.objects.filter(incidents=OuterRef("pk")).order_by("slug").values("slug")
    ),
    "public_parent_id": Subquery(
        Incident.objects.public().filter(pk=OuterRef("parent_id")).values("pk")[:1]
    ),
}
# Built once and cloned per request, which is cheaper than building and resolving the
# subqueries again.
INCIDENT_LIST_ROWS = Incident.objects.public().values(
    *INCIDENT_LIST_VALUES, **INCIDENT_LIST_ANNOTATIONS
)


@extend_schema(tags=["incidents"])
class IncidentViewSet(PublicViewSet):
    """Incidents: what happened, where and when, who was involved, and the law it engages."""

    list_serializer_class = s.IncidentListSerializer
    detail_serializer_class = s.IncidentDetailSerializer
    filterset_class = filters.IncidentFilter
    # The search page's old names of the same filters: never read here, so never a silent
    # change of meaning; named in the 400 (docs/api.md, "Filters").
    renamed_parameters = OLD_NAMES

    def list_queryset(self):
        return INCIDENT_LIST_ROWS.all()

    def detail_queryset(self):
        # The incident page's shape, plus the list's fields that the detail repeats.
        return Incident.objects.public().with_detail_related().annotate(**INCIDENT_LIST_ANNOTATIONS)

    def csv_lines(self, request) -> Iterator[str]:
        # The search page's CSV, columns and rows (cases.exports), filtered and ordered as
        # the list; validated now, before streaming starts.
        incidents = self.export_queryset(request, Incident.objects.public())
        base_url = request.build_absolute_uri("/")[:-1]
        return csv_lines(incident_rows(incidents, base_url), INCIDENT_COLUMNS)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and hasattr(self, "incident"):
            context["law"], context["icc"] = incident_law(self.incident)
        return context

    def get_object(self):
        self.incident = super().get_object()
        return self.incident


def incident_law(incident: Incident) -> tuple[list[dict], IccJurisdiction | None]:
    """The treaty status of each state involved in the incident on its date, and whether the
    ICC could exercise jurisdiction then."""
    on = s.law_on(incident)
    if on is None:
        return [], None
    roles = incident.states_with_roles()
    # All the states in one query, with the predecessors their treaty acts may come from,
    # and all their acts at once: the queries do not grow with the number of states.
    states = State.objects.select_related("predecessor__predecessor").in_bulk(list(roles))
    instruments = list(Instrument.objects.public().order_by("adopted_on", "pk"))
    events = treaty_events_of(states.values(), instruments)
    law = [
        {
            "state": states[code],
            "roles": roles[code],
            "on": on,
            "statuses": [
                TreatyStatus.compute(
                    state=states[code], instrument=i, on=on, events=events[code][i.pk]
                )
                for i in instruments
            ],
        }
        for code in roles
    ]
    icc = incident_jurisdiction(
        on_dates=[on],
        territory=states.get(incident.country_id),
        nationals=[states[code] for code in incident.perpetrator_state_codes()],
        instruments=instruments,
        events=events,
    )
    return law, icc[0] if icc else None


@extend_schema(tags=["actions"])
class ActionViewSet(PublicViewSet):
    """Accountability actions: warrants, indictments, verdicts, sanctions, resolutions."""

    list_serializer_class = s.ActionListSerializer
    detail_serializer_class = s.ActionDetailSerializer
    filterset_class = filters.ActionFilter

    def list_queryset(self):
        return AccountabilityAction.objects.public().with_list_related()

    def detail_queryset(self):
        # The action page's shape (one queryset method): the same rows in the same order.
        return AccountabilityAction.objects.public().with_detail_related()


@extend_schema(tags=["actors"])
class ActorViewSet(PublicViewSet):
    """Actors: people, states, organs, units, armed groups, bodies, courts."""

    list_serializer_class = s.ActorListSerializer
    detail_serializer_class = s.ActorDetailSerializer
    filterset_class = filters.ActorFilter

    def list_queryset(self):
        return Actor.objects.public()

    def detail_queryset(self):
        return self.list_queryset().with_profile_related()


@extend_schema(tags=["sources"])
class SourceViewSet(PublicViewSet):
    """Sources: documents and items that back the claims, with their preserved captures."""

    list_serializer_class = s.SourceListSerializer
    detail_serializer_class = s.SourceDetailSerializer
    filterset_class = filters.SourceFilter

    def list_queryset(self):
        return Source.objects.public()

    def detail_queryset(self):
        return self.list_queryset().prefetch_related("captures")


def path_key(name: str, description: str):
    """Describe the path parameter of a detail endpoint."""
    return extend_schema(
        parameters=[OpenApiParameter(name, OpenApiTypes.STR, "path", description=description)]
    )


@extend_schema(tags=["law"])
@extend_schema_view(retrieve=path_key("slug", "The instrument's slug, e.g. rome-statute."))
class InstrumentViewSet(PublicViewSet):
    """Treaties, protocols, statutes and customary rules."""

    list_serializer_class = s.InstrumentListSerializer
    detail_serializer_class = s.InstrumentDetailSerializer
    filterset_class = filters.InstrumentFilter
    lookup_field = "slug"
    ordering_fields = ()

    def list_queryset(self):
        return Instrument.objects.public()

    def detail_queryset(self):
        return self.list_queryset().prefetch_related(
            Prefetch(
                "provisions",
                queryset=Provision.objects.public().order_by("position", "pk"),
                to_attr="provision_list",
            )
        )


@extend_schema(tags=["law"])
class ProvisionViewSet(PublicViewSet):
    """Articles and sub-paragraphs of the instruments."""

    list_serializer_class = s.ProvisionListSerializer
    detail_serializer_class = s.ProvisionDetailSerializer
    filterset_class = filters.ProvisionFilter

    def list_queryset(self):
        return PUBLIC_PROVISIONS

    def detail_queryset(self):
        return self.list_queryset().prefetch_related("violation_categories")


@extend_schema(tags=["law"])
@extend_schema_view(retrieve=path_key("slug", "The category's slug."))
class CategoryViewSet(PublicViewSet):
    """The thesaurus of violation categories, mapped to provisions."""

    list_serializer_class = s.CategoryListSerializer
    detail_serializer_class = s.CategoryDetailSerializer
    filterset_class = filters.CategoryFilter
    lookup_field = "slug"
    ordering_fields = ()

    def list_queryset(self):
        # A vocabulary, public as a whole (see ViolationCategory): no publication state.
        return ViolationCategory.objects.select_related("parent")

    def detail_queryset(self):
        return self.list_queryset().prefetch_related(
            Prefetch("children", queryset=ViolationCategory.objects.order_by("slug")),
            Prefetch("provisions", queryset=PUBLIC_PROVISIONS, to_attr="public_provisions"),
        )


class LawParams(serializers.Serializer):
    on = serializers.DateField(
        required=False, help_text="The date (YYYY-MM-DD); default: today (UTC)."
    )


STATE_CODE = "ISO 3166-1 alpha-2 code, e.g. UA; former states: SU."


@extend_schema(tags=["law"])
@extend_schema_view(retrieve=path_key("code", STATE_CODE))
class StateViewSet(PublicViewSet):
    """States, with their treaty acts, and their treaty status on any date."""

    list_serializer_class = s.StateListSerializer
    detail_serializer_class = s.StateDetailSerializer
    filterset_class = filters.StateFilter
    lookup_field = "code"
    default_ordering = "code"
    ordering_fields = ()

    def list_queryset(self):
        # States are public facts of international law: no publication state.
        return State.objects.all()

    def detail_queryset(self):
        events = (
            TreatyEvent.objects.public()
            .select_related("instrument")
            .prefetch_related("provisions")
            .order_by("deposited_on", "pk")
        )
        return self.list_queryset().prefetch_related(
            Prefetch("treaty_events", queryset=events, to_attr="public_treaty_events")
        )

    @extend_schema(
        summary="The state's status under every instrument on a date",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, "path", description=STATE_CODE),
            LawParams,
        ],
        responses=s.StateLawSerializer,
        filters=False,
    )
    @action(
        detail=True,
        url_path="law",
        filter_backends=[],
        pagination_class=None,
        query_serializer=LawParams,
    )
    def law(self, request, code=None):
        state = self.get_object()
        # A plain dict: from a QueryDict, DRF reads an empty optional value as absent.
        params = LawParams(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        on = params.validated_data.get("on") or timezone.now().date()
        instruments = Instrument.objects.public().order_by("adopted_on", "pk")
        data = {"state": state, "on": on, "statuses": state.treaty_statuses(on, instruments)}
        return Response(s.StateLawSerializer(data, context=self.get_serializer_context()).data)


class IccJurisdictionParams(serializers.Serializer):
    on = serializers.DateField(help_text="The date of the crime (YYYY-MM-DD).")
    territory = serializers.CharField(
        required=False,
        help_text="Code of the state on whose territory the crime was committed ("
        + STATE_CODE
        + ")",
    )
    nationality = serializers.ListField(
        child=serializers.CharField(min_length=1),
        required=False,
        default=list,
        help_text="Code of a state of the alleged perpetrators' nationality; repeat for several.",
    )

    def validate_territory(self, code: str) -> State:
        return self._states([code])[0]

    def validate_nationality(self, codes: list[str]) -> list[State]:
        return self._states(codes)

    @staticmethod
    def _states(codes: list[str]) -> list[State]:
        codes = [code.upper() for code in codes]
        found = State.objects.select_related("predecessor__predecessor").in_bulk(codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(
                gettext("No state has the code %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in codes]


@extend_schema(tags=["law"])
class IccJurisdictionView(StatementTimeoutMixin, QueryParametersMixin, HttpCachingMixin, APIView):
    """Could the International Criminal Court exercise jurisdiction over a crime committed
    on the territory of one state, or by nationals of others, on a date; and on what basis
    (Rome Statute arts. 11, 12(2), 12(3), 13(b), 124, 127(2))."""

    query_serializer = IccJurisdictionParams

    @extend_schema(
        summary="ICC jurisdiction over a crime on a date",
        parameters=[IccJurisdictionParams],
        responses=s.IccJurisdictionSerializer,
    )
    def get(self, request):
        params = IccJurisdictionParams(
            data={
                **request.query_params.dict(),
                "nationality": request.query_params.getlist("nationality"),
            }
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        answer = icc_jurisdiction(
            on=data["on"], territory=data.get("territory"), nationals=data["nationality"]
        )
        if answer is None:
            raise NotFound(gettext("The Rome Statute is not in the public record here."))
        return Response(s.IccJurisdictionSerializer(answer, context={"request": request}).data)


# The root, and the guide.

# Each link of the root: its name, and the view it names.
ROOT_LINKS = {
    "schema": "api:schema",
    "docs": "api:docs",
    "guide": "api:guide",
    "changelog": "api:changelog",
    "incidents": "api:incident-list",
    "actions": "api:action-list",
    "actors": "api:actor-list",
    "sources": "api:source-list",
    "instruments": "api:instrument-list",
    "provisions": "api:provision-list",
    "categories": "api:category-list",
    "states": "api:state-list",
    "icc_jurisdiction": "api:icc-jurisdiction",
    "tombstones": "api:tombstones",
}


class ApiRootView(QueryParametersMixin, HttpCachingMixin, APIView):
    """Where everything is: the schema, the docs, the guide, and every endpoint."""

    @extend_schema(tags=["root"], summary="Links to every endpoint", responses=s.ApiRootSerializer)
    def get(self, request):
        links = {
            name: request.build_absolute_uri(reverse(view_name))
            for name, view_name in ROOT_LINKS.items()
        }
        return Response(s.ApiRootSerializer(links).data)


# The guides, served from the repository's docs/ so the docs page can link them (a
# repository path is no link) and they always match the running version.
GUIDES = {"guide": "api.md", "changelog": "api-changelog.md"}


def guide(request, name: str):
    text = (settings.BASE_DIR / "docs" / GUIDES[name]).read_text(encoding="utf-8")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=GUIDE_CACHE_SECONDS)
    return response


# Incremental sync: what left the public view since a time.

TOMBSTONE_RESOURCES = [
    "actions",
    "actors",
    "categories",
    "incidents",
    "instruments",
    "provisions",
    "sources",
    "states",
]
TOMBSTONE_PAGE_SIZE = 500
TOMBSTONE_MAX_PAGE_SIZE = 1000


class FeedPlace(NamedTuple):
    """A place in the tombstone feed, (removed_at, pk), and which way a page goes from it."""

    removed_at: datetime.datetime
    pk: int
    reverse: bool = False

    def encode(self) -> str:
        text = f"{self.removed_at.isoformat()}|{self.pk}|{int(self.reverse)}"
        return base64.urlsafe_b64encode(text.encode()).decode()

    @classmethod
    def decode(cls, cursor: str) -> "FeedPlace":
        try:
            removed_at, pk, reverse = base64.urlsafe_b64decode(cursor).decode().split("|")
            place = cls(datetime.datetime.fromisoformat(removed_at), int(pk), bool(int(reverse)))
        except (ValueError, UnicodeDecodeError) as exc:
            raise serializers.ValidationError(_("Invalid cursor.")) from exc
        if place.removed_at.tzinfo is None:
            raise serializers.ValidationError(_("Invalid cursor."))
        return place

    def beyond(self) -> Q:
        """Rows after this place (before it, for a reverse page)."""
        op = "lt" if self.reverse else "gt"
        return Q(**{f"removed_at__{op}": self.removed_at}) | Q(
            removed_at=self.removed_at, **{f"pk__{op}": self.pk}
        )


def tombstone_page(
    since, resource: str, size: int, place: FeedPlace | None
) -> tuple[list[dict], FeedPlace | None, FeedPlace | None]:
    """One page of the feed from `place` (the start if None), oldest first, with the places
    of the next and previous pages (None at an end). One query, reading a page and a row.

    The feed is the Tombstone table, written by the database when a record that was public
    stops being so (migration 0010): a record that was never public is not in it.
    """
    reverse = place is not None and place.reverse
    rows = Tombstone.objects.filter(removed_at__gte=since)
    if resource:
        rows = rows.filter(resource=resource)
    if place is not None:
        rows = rows.filter(place.beyond())
    order = ("-removed_at", "-pk") if reverse else ("removed_at", "pk")
    found = list(
        rows.order_by(*order).values("pk", "resource", "object_id", "reason", "removed_at")[
            : size + 1
        ]
    )
    more = len(found) > size
    page = found[:size]
    if reverse:
        page.reverse()
    if not page:
        return [], None, None
    # Forward, more beyond means a next page, and coming from a cursor a previous one;
    # a reverse page is the other way round.
    has_next, has_previous = (True, more) if reverse else (more, place is not None)
    first, last = page[0], page[-1]
    return (
        [
            {
                "resource": row["resource"],
                "id": row["object_id"],
                "reason": row["reason"],
                "removed_at": row["removed_at"],
            }
            for row in page
        ],
        FeedPlace(last["removed_at"], last["pk"]) if has_next else None,
        FeedPlace(first["removed_at"], first["pk"], reverse=True) if has_previous else None,
    )


class TombstoneParams(serializers.Serializer):
    since = serializers.DateTimeField(
        help_text="Records removed from the public at or after this time (ISO 8601)."
    )
    resource = serializers.ChoiceField(
        choices=TOMBSTONE_RESOURCES,
        required=False,
        help_text="Only this resource (default: all).",
        error_messages={
            "invalid_choice": "“{input}” is not one of the valid values: "
            + ", ".join(TOMBSTONE_RESOURCES)
            + "."
        },
    )
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=TOMBSTONE_MAX_PAGE_SIZE,
        default=TOMBSTONE_PAGE_SIZE,
        help_text=f"Tombstones per page: 1 to {TOMBSTONE_MAX_PAGE_SIZE} "
        f"(default {TOMBSTONE_PAGE_SIZE}). A larger value is an error.",
    )
    cursor = serializers.CharField(
        required=False, help_text="The position of a page: copy it from a response's next."
    )

    def validate_cursor(self, value: str) -> FeedPlace:
        return FeedPlace.decode(value)


class TombstoneView(StatementTimeoutMixin, QueryParametersMixin, HttpCachingMixin, APIView):
    """Records a mirror must remove: deleted, withdrawn or unpublished since a time.

    Paginated by cursor, oldest first; a mirror follows `next` to the end.
    """

    query_serializer = TombstoneParams

    @extend_schema(
        tags=["sync"],
        parameters=[TombstoneParams],
        responses=s.TombstoneFeedSerializer,
    )
    def get(self, request):
        # A plain dict: from a QueryDict, DRF reads an empty optional value as absent.
        params = TombstoneParams(data=request.query_params.dict())
        if not params.is_valid():
            raise ValidationError(params.errors)
        until = timezone.now()
        since = params.validated_data["since"]
        results, next_place, previous_place = tombstone_page(
            since,
            params.validated_data.get("resource", ""),
            params.validated_data["page_size"],
            params.validated_data.get("cursor"),
        )
        url = request.build_absolute_uri()
        data = {
            "since": since,
            "until": until,
            "next": replace_query_param(url, "cursor", next_place.encode()) if next_place else None,
            "previous": (
                replace_query_param(url, "cursor", previous_place.encode())
                if previous_place
                else None
            ),
            "results": results,
        }
        return Response(s.TombstoneFeedSerializer(data).data)
