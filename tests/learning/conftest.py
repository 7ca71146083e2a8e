import pytest


@pytest.fixture
def lesson(course):
    """The fixture course's main lesson: every section kind and every question kind."""
    return course["fixture-readiness"]
