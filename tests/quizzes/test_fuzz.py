"""Hypothesis throws arbitrary form data at the answer form: never a 500, never a bad write."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import Response

from .helpers import current_token, start

FIELDS = st.sampled_from(["token", "choice", "choices", "answer", "score", "is_correct", "user"])
VALUES = st.one_of(
    st.text(max_size=50),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["\x00", "\u200b", "\u202e", "1e9", "NaN", "[]", "{}", "-1", " 1 "]),
)
FORMS = st.dictionaries(FIELDS, st.one_of(VALUES, st.lists(VALUES, max_size=4)), max_size=6)


@pytest.fixture
def attempt(client, course):
    return start(client, course["fixture-readiness"])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=FORMS, keep_token=st.booleans(), htmx=st.booleans())
def test_arbitrary_answers_never_break_the_attempt(client, attempt, data, keep_token, htmx):
    if keep_token:
        data["token"] = current_token(client, attempt)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("learning:answer", args=[attempt.pk]), data, **headers)
    assert response.status_code in {200, 303, 400, 409}, response.status_code
    attempt.refresh_from_db()
    responses = Response.objects.filter(slot__attempt=attempt)
    assert responses.count() == attempt.position
    assert attempt.score == responses.filter(is_correct=True).count()
    if response.status_code == 400:
        assert b"notice" in response.content or b"field-error" in response.content
