"""Querysets compiled to SQL once per process, then run again with new values.

Building a queryset and compiling it costs Django more CPU than SQLite or PostgreSQL spend
running a small indexed query (measured here: 0.4 ms to `.get()` an attempt with its
lesson, 0.03 ms for the database to run the same SQL). The few statements that every
learner page runs are therefore written as ordinary querysets, compiled once with stand-in
values, and each call swaps the real values in: same SQL, same results, a tenth of the CPU.

    by_learner = Statement(lambda learner: LessonProgress.objects.filter(learner_id=learner))
    rows = by_learner.rows(learner=7)  # LessonProgress instances, one query

Values are the keyword arguments of the builder: integers compared for equality (ids).
Each gets a stand-in integer no query would hold otherwise; compiling fails loudly if a
stand-in does not reach the parameters (a value folded into the SQL text, say), so a
statement can never run with a stand-in. A value outside the database's integer range
matches no row, as with Django's own lookups (a URL may carry any number).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.sql import UpdateQuery

# Stand-ins: values that fit every integer field, small ones included (Django compiles a
# lookup on a value outside its field's range to "no rows", not to a parameter). A query
# must not hold one of these as a constant of its own: it would be taken for a value.
_STAND_IN_BASE = 32_700
_BIGINT = range(-(2**63), 2**63)


def _fits(values: dict) -> bool:
    """Every value fits the database's integers (else the statement can match no row)."""
    return all(value in _BIGINT for value in values.values())


_PLACEHOLDER = re.compile(r"%[s%]")


def _is_stand_in(param, stand_ins: dict[int, str]) -> bool:
    return isinstance(param, int) and not isinstance(param, bool) and param in stand_ins


def _with_constants_written_in(sql: str, params: tuple, stand_ins: dict) -> tuple[str, tuple]:
    """On PostgreSQL, the statement with the builder's own constants (a status, a flag)
    written into its text as quoted literals, and only the values left as parameters.

    PostgreSQL prepares a statement it has run five times on a connection (settings.py)
    and may then settle on one generic plan for every parameter value. A plan made for
    `status = $4` cannot use an index whose WHERE names a status (a partial index): the
    dashboard's open-test lookup scanned every open test of a lesson instead of one
    learner's, 7 ms instead of 0.6 ms. With the constants in the text, the one plan is
    made for them. They come from the code, never from a request, and psycopg quotes them.
    """
    if connection.vendor != "postgresql":
        return sql, params
    from psycopg.sql import Literal

    connection.ensure_connection()
    remaining, kept = iter(params), []

    def write_in(placeholder: re.Match) -> str:
        if placeholder.group() == "%%":
            return "%%"
        param = next(remaining)
        if _is_stand_in(param, stand_ins):
            kept.append(param)
            return "%s"
        return Literal(param).as_string(connection.connection).replace("%", "%%")

    return _PLACEHOLDER.sub(write_in, sql), tuple(kept)


@dataclass
class _Plan:
    """How a statement's columns become a model instance: what RawQuerySet works out
    on every run (field names and positions, annotations, the database's converters)."""

    model: type[Model]
    alias: str
    names: list[str]
    positions: list[int]
    annotations: list[tuple[int, str]]
    converters: list

    def instance(self, row: tuple) -> Model:
        if self.converters:
            row = list(row)
            for position, (functions, expression) in self.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        instance = self.model.from_db(self.alias, self.names, [row[p] for p in self.positions])
        for position, name in self.annotations:
            setattr(instance, name, row[position])
        return instance


class Statement:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[str, tuple[QuerySet, str, tuple, dict[int, str]]] = {}
        self._plans: dict[str, _Plan] = {}

    def _compile(self):
        found = self._compiled.get(connection.vendor)
        if found is None:
            names = self.build.__code__.co_varnames[: self.build.__code__.co_argcount]
            stand_ins = {_STAND_IN_BASE + index: name for index, name in enumerate(names)}
            built = self.build(**{name: value for value, name in stand_ins.items()})
            queryset, sql, params = self._sql(built)
            sql, params = _with_constants_written_in(sql, params, stand_ins)
            missing = set(stand_ins) - set(params)
            if missing:
                raise ValueError(f"{sorted(stand_ins[v] for v in missing)} not in the parameters")
            found = self._compiled[connection.vendor] = (queryset, sql, params, stand_ins)
        return found

    def _sql(self, queryset: QuerySet) -> tuple[QuerySet, str, tuple]:
        return (queryset, *queryset.query.sql_with_params())

    def _params(self, params: tuple, stand_ins: dict[int, str], values: dict) -> list:
        # psycopg compiles integers as int subclasses that name the column's type (Int2,
        # Int4): the value keeps the stand-in's type.
        return [
            type(param)(values[stand_ins[param]]) if _is_stand_in(param, stand_ins) else param
            for param in params
        ]

    def _execute(self, cursor, values: dict) -> QuerySet | None:
        """Run the statement with `values` on `cursor`; None (nothing run) when a value
        is outside the database's integer range and so can match no row."""
        if not _fits(values):
            return None
        queryset, sql, params, stand_ins = self._compile()
        cursor.execute(sql, self._params(params, stand_ins, values))
        return queryset

    def rows(self, **values) -> list:
        """The model instances the queryset would give, as `Model.objects.raw()` would
        build them from its SQL: columns it leaves out are deferred, annotations become
        attributes, and `select_related` objects are not attached (use `values()` for
        joined columns). How columns map to fields is worked out once, not per call."""
        with connection.cursor() as cursor:
            queryset = self._execute(cursor, values)
            found = cursor.fetchall() if queryset is not None else []
            if not found:
                return []
            plan = self._plans.get(connection.vendor) or self._plan(queryset, cursor.description)
        return [plan.instance(row) for row in found]

    def _plan(self, queryset: QuerySet, description) -> "_Plan":
        model = queryset.model
        by_column = {field.column: field for field in model._meta.concrete_fields}
        fields = [by_column.get(column[0]) for column in description]
        columns = [f.get_col(model._meta.db_table) if f else None for f in fields]
        compiler = queryset.query.get_compiler(connection=connection)
        plan = self._plans[connection.vendor] = _Plan(
            model=model,
            alias=queryset.db,
            names=[field.attname for field in fields if field],
            positions=[position for position, field in enumerate(fields) if field],
            annotations=[(position, column[0]) for position, (column, field)
                         in enumerate(zip(description, fields, strict=True)) if not field],
            converters=list(compiler.get_converters(columns).items()),
        )  # fmt: skip
        return plan

    def tuples(self, **values) -> list[tuple]:
        """The rows as plain tuples, in the queryset's column order (`values_list`)."""
        with connection.cursor() as cursor:
            return cursor.fetchall() if self._execute(cursor, values) is not None else []


class Update(Statement):
    """An UPDATE compiled once: `build` gives the queryset to update and the changes, as
    for `QuerySet.update()`, and `run` returns how many rows changed.

        advance = Update(lambda pk, gained: (
            TestAttempt.objects.filter(pk=pk), {"score": F("score") + gained}
        ))
        advance.run(pk=7, gained=1)
    """

    def __init__(self, build: Callable[..., tuple[QuerySet, dict]]):
        super().__init__(build)
        self._inserts: dict[type[Model], tuple[str, list]] = {}  # PostgreSQL's WITH ... INSERT

    def _sql(self, built: tuple[QuerySet, dict]) -> tuple[QuerySet, str, tuple]:
        queryset, changes = built
        query = queryset.query.chain(UpdateQuery)  # as QuerySet.update() builds it
        query.add_update_values(changes)
        return (queryset, *query.get_compiler(queryset.db).as_sql())

    def run(self, **values) -> int:
        with connection.cursor() as cursor:
            return cursor.rowcount if self._execute(cursor, values) is not None else 0

    def run_then_insert(self, instance: Model, **values) -> bool:
        """Run the UPDATE and, if and only if it changed a row, insert `instance` (its
        primary key set by the caller), all or nothing: True if both happened.

        On PostgreSQL this is one statement, a data-modifying WITH whose INSERT selects
        from the UPDATE's RETURNING: atomic on its own, so it needs no BEGIN and COMMIT
        around it, one round trip instead of four. Elsewhere (SQLite cannot), the UPDATE
        and the INSERT run in a transaction."""
        if connection.vendor != "postgresql":
            # Inside a caller's transaction, no savepoint: a failure undoes all of it.
            with transaction.atomic(savepoint=False):
                if not self.run(**values):
                    return False
                instance.save(force_insert=True)
                return True
        if instance.pk is None:
            raise ValueError("run_then_insert() needs the instance's primary key set")
        if not _fits(values):
            return False
        queryset, sql, params, stand_ins = self._compile()
        insert, fields = self._insert_sql(type(instance), sql)
        inserted = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(insert, [*self._params(params, stand_ins, values), *inserted])
            if cursor.rowcount != 1:
                return False
        instance._state.adding, instance._state.db = False, queryset.db
        return True

    def _insert_sql(self, model: type[Model], update: str) -> tuple[str, list]:
        found = self._inserts.get(model)
        if found is None:
            quote = connection.ops.quote_name
            fields = model._meta.local_concrete_fields
            columns = ", ".join(quote(f.column) for f in fields)  # names from the model
            sql = (
                f"WITH moved AS ({update} RETURNING 1) "  # noqa: S608
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                f"SELECT {', '.join(['%s'] * len(fields))} FROM moved"
            )
            found = self._inserts[model] = (sql, fields)
        return found
