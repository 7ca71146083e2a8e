"""Rows of another table carried in one column of a statement's row, as a JSON array.

A page that needs one row of summary and a short list beside it (the dashboard: cards due,
the test to resume, the last results) gets them in one round trip instead of two: the list
comes back as JSON text in a column of the summary's row.

    latest = JSONRows(
        TestAttempt.objects.filter(learner=OuterRef("pk"))
        .order_by("-finished_at")
        .values(row=JSONObject(score="score", finished_at="finished_at"))[:30]
    )

The queryset gives one column, `row`, a JSON object per row; the column holds a JSON array
of them, or NULL when there is none. The array's order is not guaranteed: sort in Python.
"""

from django.db.models import Subquery

AGGREGATE = {"postgresql": "JSONB_AGG", "sqlite": "JSON_GROUP_ARRAY"}


class JSONRows(Subquery):
    def as_sql(self, compiler, connection, template=None, **extra_context):
        rows, params = super().as_sql(compiler, connection, template, **extra_context)
        # SQLite's JSON_OBJECT gives text, which JSON(...) makes an object again in the array.
        row = '"rows"."row"' if connection.vendor == "postgresql" else 'JSON("rows"."row")'
        aggregate = AGGREGATE[connection.vendor]
        # Django's compiled subquery, with its parameters kept apart; the rest is constants.
        return f'(SELECT {aggregate}({row}) FROM {rows} AS "rows")', params  # noqa: S608
