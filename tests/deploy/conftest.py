"""Fixtures shared by the deployment tests: static files collected once per session."""

import os
import subprocess

import pytest

from .servers import manage, site_env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    manage(site_env(root, "sqlite:///:memory:"), "collectstatic", "--noinput", "-v", "0")
    return root


def require(condition: bool, reason: str) -> None:
    """Skip where a service is missing; in CI (CI=true), fail instead."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must provide it)")
        pytest.skip(reason)


def have(command: str) -> bool:
    return subprocess.run(["which", command], capture_output=True, check=False).returncode == 0
