"""The site under test: an isolated database and static files, served by gunicorn.

Everything lives in a temporary directory that is removed afterwards: the SQLite file
(unless BENCH_DATABASE_URL names another database, e.g. PostgreSQL), the collected static
files and a settings shim that only moves STATIC_ROOT there, so the repository's own files
are never written. BENCH_REDIS_URL, if set, becomes the site's shared cache.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"
SETTINGS_SHIM = """\
# Written by bench/stack.py: the project's settings, with static files collected here.
from config.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
# Every prepared guest comes from 127.0.0.1: the per-address cap on new guests would stop
# the preparation, which measures nothing about it.
RATE_LIMITS = {{**RATE_LIMITS, "new-guests": (1_000_000, 600)}}  # noqa: F405
"""
COMMAND_TIMEOUT = 300  # seconds for one management command
START_TIMEOUT = 30  # seconds for gunicorn to answer /healthz/
STOP_TIMEOUT = 15  # seconds for gunicorn to shut down before it is killed


class SetupError(Exception):
    """The site could not be prepared or started."""


@dataclass
class Site:
    """A running gunicorn; `log` holds its output once it has stopped."""

    port: int
    pid: int  # the gunicorn master's
    workers: int
    database: str  # a description safe to print (no credentials)
    cache: str
    tmp: Path  # scratch space removed with the site
    env: dict[str, str]  # the environment gunicorn runs with (bench/hotspots.py reuses it)
    log: str = ""

    @property
    def services(self) -> frozenset[str]:
        """The process names of the services this site calls (bench/cpu.py): PostgreSQL's
        and Redis's when the benchmark was given them, else none."""
        given = {"postgres": "BENCH_DATABASE_URL", "redis-server": "BENCH_REDIS_URL"}
        return frozenset(name for name, variable in given.items() if os.environ.get(variable))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def bench_env(root: Path, tmp: Path) -> dict[str, str]:
    """The environment for manage.py and gunicorn: production settings on loopback, and
    only the database and cache the benchmark was given (never the developer's own)."""
    shim = tmp / "bench_settings.py"
    shim.write_text(SETTINGS_SHIM.format(static_root=str(tmp / "static")))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DEBUG="0",
        DJANGO_HTTPS="0",
        ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(root)]),
        PYTHONDONTWRITEBYTECODE="1",
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def describe(variable: str, fallback: str) -> str:
    """The scheme and host of a service URL from the environment, without credentials."""
    parts = urlsplit(os.environ.get(variable, ""))
    return f"{parts.scheme} on {parts.hostname or 'a local socket'}" if parts.scheme else fallback


def manage(root: Path, env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(root / "manage.py"), *args]
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        command, cwd=root, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    if done.returncode != 0:
        raise SetupError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def wait_until_healthy(process: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz/", timeout=2) as reply:  # noqa: S310
                if reply.status == 200:
                    return
        except OSError:  # not listening yet, or not answering 200
            time.sleep(0.2)
    raise SetupError(f"/healthz/ did not answer 200 in {START_TIMEOUT} s:\n{log_path.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()  # SIGTERM: gunicorn's graceful shutdown, workers included
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def running_site(root: Path, workers: int, content: Path | None = None,
                 port: int | None = None) -> Iterator[Site]:  # fmt: skip
    """Prepare an isolated database and static files, then serve them with gunicorn on a
    free loopback port; gunicorn is always stopped and the temporary files removed.
    `content`: the course to import (the shipped one, content/, by default); `port`: the
    port to listen on (a free one by default)."""
    tmp = Path(tempfile.mkdtemp(prefix="patternwise-bench-"))
    port = port or int(os.environ.get("BENCH_PORT") or 0) or free_port()
    log_path, process, site = tmp / "gunicorn.log", None, None
    try:
        env = bench_env(root, tmp)
        course = (str(content),) if content else ()
        for command in (("migrate", "--noinput", "-v", "0"), ("import_content", *course),
                        ("collectstatic", "--noinput", "-v", "0")):  # fmt: skip
            manage(root, env, *command)
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application", "--chdir", str(root),
            "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync",
            "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning",
            "--no-control-socket",
        ]  # fmt: skip
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
                command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_healthy(process, port, log_path)
        database = describe("BENCH_DATABASE_URL", "sqlite (temporary)")
        site = Site(port, process.pid, workers, database,
                    describe("BENCH_REDIS_URL", "shared files"), tmp, env)  # fmt: skip
        yield site
    finally:
        if process is not None and process.poll() is None:
            stop(process)
        if site is not None:
            site.log = log_path.read_text(errors="replace")
        shutil.rmtree(tmp, ignore_errors=True)
