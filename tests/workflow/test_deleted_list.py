"""The admin's list of deleted records: each by its name, in a constant number of queries."""

import pytest
from django.contrib import admin

from cases import models as m
from cases.admin.base import HistoryAdmin
from tests import factories as f
from tests.test_admin import one_of_each, url  # noqa: F401  (one_of_each is a fixture)

pytestmark = pytest.mark.django_db

HISTORY_MODELS = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, HistoryAdmin)
    ),
    key=lambda model: model.__name__,
)


def count_queries(django_assert_max_num_queries, client, url) -> int:
    with django_assert_max_num_queries(100) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (m.Provision, f.ProvisionFactory),
        (m.Citation, f.CitationFactory),
        (m.Charge, f.ChargeFactory),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_deleted_list_queries_do_not_grow_with_the_rows(
    admin_client, django_assert_max_num_queries, django_assert_num_queries, model, factory
):
    factory().delete()
    deleted_url = url(model, "deleted")
    one = count_queries(django_assert_max_num_queries, admin_client, deleted_url)
    for _ in range(4):
        factory().delete()
    with django_assert_num_queries(one):
        response = admin_client.get(deleted_url)
    assert len(response.context["rows"]) == 5


@pytest.mark.usefixtures("one_of_each")
@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model.__name__)
def test_every_deleted_list_takes_constant_queries(
    admin_client, django_assert_max_num_queries, django_assert_num_queries, model
):
    # Deletions stood in for by copies of a record's last version marked deleted: the
    # related rows its name reads are still there, as they are when only it is deleted.
    def mark_deleted(count):
        for _ in range(count):
            version = model.history.order_by("history_id").first()
            version.history_id = None
            version.history_type = "-"
            version.save()

    mark_deleted(1)
    deleted_url = url(model, "deleted")
    one = count_queries(django_assert_max_num_queries, admin_client, deleted_url)
    mark_deleted(3)
    with django_assert_num_queries(one):
        response = admin_client.get(deleted_url)
    assert len(response.context["rows"]) == 4


def test_a_record_whose_related_row_was_deleted_too_is_listed(admin_client):
    provision = f.ProvisionFactory(label="art. 49")
    provision_pk, instrument = provision.pk, provision.instrument
    provision.delete()
    instrument.delete()
    response = admin_client.get(url(m.Provision, "deleted"))
    assert response.status_code == 200
    assert f'href="{url(m.Provision, "history", provision_pk)}">provision {provision_pk}<' in (
        response.content.decode()
    )


def test_deleted_records_are_named_by_their_related_rows(admin_client):
    charge = f.ChargeFactory(
        provision=f.ProvisionFactory(
            label="art. 8(2)(a)(vii)", instrument=f.InstrumentFactory(short_title="Rome Statute")
        ),
        action=f.AccountabilityActionFactory(title="Warrant against Lvova-Belova"),
    )
    charge.delete()
    html = admin_client.get(url(m.Charge, "deleted")).content.decode()
    assert "Rome Statute art. 8(2)(a)(vii) – Warrant against Lvova-Belova" in html
