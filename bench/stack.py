"""The site under test: an isolated database and static files, served by gunicorn.

Everything lives in a temporary directory that is removed afterwards: the SQLite file
(unless DATABASE_URL is set, e.g. to PostgreSQL), the collected static files and a settings
shim that only moves STATIC_ROOT there, so the repository's own files are never written.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from httpclient import HOST, Client, TransportError

SETTINGS_SHIM = """\
# Written by bench/stack.py: the project's settings, with static files collected here.
from config.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
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
    root: Path
    env: dict[str, str] = field(repr=False)  # gunicorn's: DATABASE_URL, SECRET_KEY, ...
    log: str = ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def bench_env(root: Path, tmp: Path) -> dict[str, str]:
    """The environment for manage.py and gunicorn: production settings on loopback."""
    shim = tmp / "bench_settings.py"
    shim.write_text(SETTINGS_SHIM.format(static_root=str(tmp / "static")))
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        DJANGO_HTTPS="0",
        ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(root)]),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    return env


def describe_url(url: str, fallback: str) -> str:
    """The scheme and host of a service URL, without credentials."""
    if not url:
        return fallback
    parts = urlsplit(url)
    return f"{parts.scheme} on {parts.hostname or 'a local socket'}"


def manage(root: Path, env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(root / "manage.py"), *args]
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        command, cwd=root, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    if done.returncode != 0:
        raise SetupError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def run_script(site: Site, script: Path, stdin: str, timeout: int = COMMAND_TIMEOUT) -> str:
    """Run a Python script with gunicorn's environment (same settings, database and
    SECRET_KEY); returns what it printed."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and a bench script
        [sys.executable, str(script)], cwd=site.root, env=site.env, input=stdin,
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode != 0:
        raise SetupError(f"{script.name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


def prepare(root: Path, env: dict[str, str]) -> None:
    manage(root, env, "migrate", "--noinput", "-v", "0")
    manage(root, env, "import_content")
    manage(root, env, "collectstatic", "--noinput", "-v", "0")


def _healthy(port: int) -> bool:
    client = Client(port, timeout=2)
    try:
        return client.get("/healthz/").status == 200
    except TransportError:
        return False
    finally:
        client.close()


def _wait_until_healthy(process: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()}")
        if _healthy(port):
            return
        time.sleep(0.2)
    raise SetupError(f"/healthz/ did not answer 200 in {START_TIMEOUT} s:\n{log_path.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # SIGTERM: gunicorn's graceful shutdown, workers included
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def gunicorn(
    root: Path, env: dict[str, str], log_path: Path, workers: int
) -> Iterator[tuple[int, int]]:
    """Serve the site on a free loopback port; yields (port, master pid), always stops it."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--chdir", str(root),
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--no-control-socket",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
            command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_healthy(process, port, log_path)
        yield port, process.pid
    finally:
        _stop(process)


@contextmanager
def running_site(root: Path, workers: int = 2) -> Iterator[Site]:
    """Prepare an isolated database and static files, then serve them with gunicorn."""
    tmp = Path(tempfile.mkdtemp(prefix="patternwise-bench-"))
    log_path = tmp / "gunicorn.log"
    try:
        env = bench_env(root, tmp)
        database = describe_url(os.environ.get("DATABASE_URL", ""), "sqlite (temporary file)")
        cache = describe_url(os.environ.get("REDIS_URL", ""), "local memory (per worker)")
        prepare(root, env)
        site = None
        try:
            with gunicorn(root, env, log_path, workers) as (port, pid):
                site = Site(port, pid, workers, database, cache, root, env)
                yield site
        finally:
            if site is not None and log_path.exists():
                site.log = log_path.read_text(errors="replace")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
