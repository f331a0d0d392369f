"""History versions of what the importer writes without save() (COPY, bulk UPDATE), through
django-simple-history's own bulk path: its history model builds each version from the
fields it tracks, so a new field, or a new version of the library, is recorded as in any
save. Each version carries the importing user, the import's instant and its reason.
"""

from django.db import models
from simple_history.utils import bulk_update_with_history

BATCH = 2000


def record_created(model: type[models.Model], objects: list, **version) -> list:
    """A version ("+") of each new row, already written (by COPY): what
    bulk_create_with_history() records after its INSERT. Returns the versions."""
    if not objects:
        return []
    return model.history.bulk_history_create(objects, batch_size=BATCH, **version)


def update_with_history(model: type[models.Model], objects: list, fields: list, **version) -> None:
    """UPDATE the rows, and record a version ("~") of each."""
    if objects:
        bulk_update_with_history(objects, model, fields, batch_size=BATCH, **version)


def record_links(model: type[models.Model], versions: list, updated: list, when) -> None:
    """The many-to-many links of each version, as simple-history keeps them with a save:
    one row of the library's link model per link of the record when the version was
    written. Call it once the links are written. `versions`: those of new rows;
    `updated`: the rows a bulk update gave a version at `when`."""
    history = model.history.model
    if not history._history_m2m_fields or not (versions or updated):
        return
    pk_name = model._meta.pk.attname
    version_of = {getattr(v, pk_name): v.history_id for v in versions}
    if updated:
        version_of.update(
            history.objects.filter(
                history_date=when, history_type="~", **{f"{pk_name}__in": [o.pk for o in updated]}
            ).values_list(pk_name, "history_id")
        )
    for m2m in history._history_m2m_fields:
        links = getattr(history, m2m.name).model
        through = m2m.remote_field.through
        source = through._meta.get_field(m2m.m2m_field_name()).attname
        names = [f.attname for f in through._meta.concrete_fields]
        rows = through.objects.filter(**{f"{source}__in": list(version_of)}).values(*names)
        links.objects.bulk_create(
            (links(history_id=version_of[row[source]], **row) for row in rows.iterator()),
            batch_size=BATCH,
        )
