"""Isolation tests need bubblewrap: in CI its absence is a failure, elsewhere a skip."""

import os

import pytest

from courses import sandbox


@pytest.fixture
def isolated():
    """The sandbox module, once bwrap is known to work on this machine."""
    if not sandbox.isolation_available():
        reason = "bubblewrap is missing or cannot create namespaces (apt-get install bubblewrap)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return sandbox
