"""Isolation tests need bubblewrap: in CI its absence is a failure, elsewhere a skip."""

import os
import time

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


@pytest.fixture
def no_leftovers():
    """After the test, no process the snippet started is still alive on the host. A process
    of another sandbox run on the machine may come and go meanwhile: only what is still
    there after a short wait counts (a leftover of ours would live far longer)."""
    from .helpers import sandbox_processes

    before = sandbox_processes()
    yield
    deadline = time.monotonic() + 3
    while (left := sandbox_processes() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == set()
