"""Database lookups the ORM does not have."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Lookup, Q, QuerySet


class AnyId(Lookup):
    """`column = ANY(%s)`: integer ids passed as one array parameter on PostgreSQL (IN elsewhere).

    Why: Django's `__in` prepares and compiles every value of its list one by one, which for
    the hundreds of ids of a feed page (and the to-many fetches of its objects) costs
    milliseconds of Python per query; one array parameter costs the same for 1 id or 500.
    """

    lookup_name = "any_id"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, _IdsLater):
            return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
        ids = [int(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, ids)
        if not ids:
            return "1 = 0", tuple(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", (*lhs_params, *ids)


def id_in(path: str, ids: Iterable[int]) -> Q:
    """A filter for `queryset.filter(...)`: the column at `path` ("pk", "project") is one of `ids`."""
    return Q(AnyId(F(path), list(ids)))


class _IdsLater(list):
    """The place of the ids in a query IdsQuery compiles once (its SQL is the same for any)."""


class IdsQuery:
    """A `.values()` query run again and again with only its ids changing (`path` is one of
    them), compiled once.

    Why: the change feed reads each page's objects of a resource through the reader's
    queryset, whose confidentiality subqueries take 2-3 ms to compile, on every poll of every
    partner. On PostgreSQL `= ANY(%s)` keeps the SQL the same for any list of ids, so it is
    compiled once and run with new ids; on other databases `rows` compiles each time.
    The rows are what iterating `queryset.filter(id_in(path, ids))` gives (dicts, the
    database values converted as Django converts them); their order is the query's.
    """

    def __init__(self, queryset: QuerySet, path: str):
        self.queryset, self.path, self.sql = queryset, path, None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return
        query = queryset.filter(Q(AnyId(F(path), _IdsLater()))).query
        compiler = query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # nothing can match, whatever the ids (e.g. `.none()`)
            self.sql, self.params = "", []
            return
        columns = [column for column, *_ in compiler.select]
        if compiler.has_extra_select or compiler.has_composite_fields(columns):
            return  # shapes this class does not reproduce: compiled each time instead
        self.slot = next(i for i, param in enumerate(params) if isinstance(param, _IdsLater))
        self.sql, self.params = sql, list(params)
        self.names = list(
            query.selected or [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        self.converters = compiler.get_converters(columns)

    def rows(self, ids: Iterable[int]) -> list[dict]:
        if self.sql is None:
            return list(self.queryset.filter(id_in(self.path, ids)))
        if not self.sql:
            return []
        params = list(self.params)
        params[self.slot] = [int(value) for value in ids]
        connection = connections[self.queryset.db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        names, converters = self.names, self.converters.items()
        out = []
        for row in rows:
            if converters:
                row = list(row)
                for position, (functions, expression) in converters:
                    for convert in functions:
                        row[position] = convert(row[position], expression, connection)
            out.append(dict(zip(names, row, strict=True)))
        return out
