"""Bulk inserts for the importer: PostgreSQL's COPY, with bulk_create elsewhere."""

from django.db import connection, models
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert new rows of one model, given as field values; returns their primary keys.

    On PostgreSQL this is COPY, with keys drawn from the table's sequence first: several times
    faster than bulk_create's INSERT, which an archive of 100,000 stories notices.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return [obj.pk for obj in model.objects.bulk_create([model(**row) for row in rows])]
    from psycopg import sql

    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    stamped = {"auto_now", "auto_now_add"}
    missing = {
        field.attname: now
        if any(getattr(field, a, False) for a in stamped)
        else field.get_default()
        for field in fields
        if field.attname not in rows[0]
    }
    names = [field.attname for field in fields]
    columns = sql.SQL(", ").join(
        sql.Identifier(column) for column in [meta.pk.column, *(f.column for f in fields)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        keys = [pk for (pk,) in cursor.fetchall()]
        copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(meta.db_table), columns
        )
        with cursor.cursor.copy(copy_rows) as copy:
            for pk, row in zip(keys, rows, strict=True):
                values = {**missing, **row}
                copy.write_row([pk, *(values[name] for name in names)])
    return keys
