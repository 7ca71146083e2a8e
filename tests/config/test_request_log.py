"""The structured request log: one JSON line per request with the fields operators read."""

import json
import logging

import pytest

from config.request_log import learner_hash


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="patternwise.requests")

    def lines():
        return [json.loads(r.getMessage()) for r in caplog.records
                if r.name == "patternwise.requests"]  # fmt: skip

    return lines


def test_one_line_per_request_with_method_path_status_duration_and_queries(
    client, course, request_lines
):
    client.get("/ping/")
    client.get("/no-such-page/")
    ping, missing = request_lines()
    assert ping["method"] == "GET" and ping["path"] == "/ping/" and ping["status"] == 200
    assert missing["status"] == 404
    assert isinstance(ping["duration_ms"], float) and ping["duration_ms"] >= 0
    assert ping["queries"] == 0 and ping["learner"] is None


def test_the_query_count_is_the_requests_own(client, course, request_lines):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(f"/patterns/{next(iter(course))}/")
    (line,) = request_lines()
    assert line["queries"] == len(captured.captured_queries) > 0


def test_a_learner_is_logged_as_a_stable_hash_never_the_id(client, course, request_lines):
    slug = next(iter(course))
    client.get(f"/patterns/{slug}/")
    client.post(f"/patterns/{slug}/test/")  # a guest learner now exists for this session
    client.get("/me/")
    from accounts.models import Learner

    lines = request_lines()
    (guest,) = Learner.objects.all()
    assert lines[-1]["learner"] == lines[-2]["learner"] == learner_hash(guest.pk)
    assert len(learner_hash(guest.pk)) == 16 and str(guest.pk) != lines[-1]["learner"]
