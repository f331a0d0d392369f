"""History rows for what the importer writes without save() or delete() (COPY, bulk_update,
queryset deletes): the versions django-simple-history would have recorded, each with the
importing user, the import's time and the file as the reason. One INSERT ... SELECT per
table and batch: the database copies the rows as written, so nothing is built in Python.
"""

from django.db import connection, models

HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def record_history(
    model: type[models.Model], pks: list, kind: str, *, user_id, when, reason: str
) -> None:
    """Record a version ("+" created, "~" changed, "-" deleted: before the delete) of each row."""
    if not pks:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    columns = [
        quote(f.column) for f in history._meta.concrete_fields if f.name not in HISTORY_FIELDS
    ]
    user_column = quote(history._meta.get_field("history_user").column)
    pk_column = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}, "
            f"history_date, history_type, {user_column}, history_change_reason) "
            f"SELECT {', '.join(columns)}, %s, %s, %s, %s "
            f"FROM {quote(model._meta.db_table)} WHERE {pk_column} = ANY(%s) "
            "RETURNING history_id",
            [when, kind, user_id, reason, list(pks)],
        )
        history_ids = [history_id for (history_id,) in cursor.fetchall()]
        for field in history._history_m2m_fields:
            _record_links(cursor, model, history, field, history_ids)


def _record_links(cursor, model, history, field, history_ids) -> None:
    """The many-to-many links of each new version, as simple-history keeps them."""
    quote = connection.ops.quote_name
    links = getattr(history, field.name).model
    through = field.remote_field.through._meta
    source = quote(through.get_field(field.m2m_field_name()).column)
    target = quote(through.get_field(field.m2m_reverse_field_name()).column)
    pk_column = quote(model._meta.pk.column)
    cursor.execute(
        f"INSERT INTO {quote(links._meta.db_table)} (id, {source}, {target}, history_id) "
        f"SELECT t.id, t.{source}, t.{target}, h.history_id "
        f"FROM {quote(through.db_table)} t "
        f"JOIN {quote(history._meta.db_table)} h ON h.{pk_column} = t.{source} "
        "WHERE h.history_id = ANY(%s)",
        [history_ids],
    )
