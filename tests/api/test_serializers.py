"""The incident list's hand-built rows are exactly what the declared fields would give."""

import datetime
from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cases import models as m
from cases.api.serializers import IncidentListSerializer
from cases.api.views import IncidentViewSet
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_fast_incident_rows_match_the_declared_fields():
    parent = f.IncidentFactory(published=True)
    full = f.IncidentFactory(
        published=True,
        date="2022-05~",
        subdivision="UA-23",
        latitude=Decimal("47.8"),
        longitude=Decimal("35.16667"),
        coordinate_precision=m.CoordinatePrecision.SETTLEMENT,
        controlling_power=f.StateFactory(code="RU", name="Russian Federation"),
        parent=parent,
    )
    full.categories.add(f.ViolationCategoryFactory(), f.ViolationCategoryFactory())
    bare = f.IncidentFactory(published=True, date="", country=None)
    m.Incident.objects.filter(pk=bare.pk).update(
        updated_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    )
    ids = [full.pk, bare.pk, parent.pk]

    # The list reads values() rows; the declared fields read model instances.
    rows = IncidentViewSet().list_queryset().filter(pk__in=ids).order_by("pk")
    instances = IncidentViewSet().detail_queryset().filter(pk__in=ids).order_by("pk")
    context = {"request": Request(APIRequestFactory().get("/api/v1/incidents/"))}
    fast = [IncidentListSerializer(context=context).to_representation(row) for row in rows]
    declared = [
        dict(
            serializers.ModelSerializer.to_representation(
                IncidentListSerializer(context=context), obj
            )
        )
        for obj in instances
    ]
    assert len(fast) == 3
    assert fast == declared
