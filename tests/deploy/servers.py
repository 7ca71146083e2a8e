"""Real processes for the deployment tests: gunicorn app servers, a private nginx and
redis-server, and a TCP forwarder that can cut a service off and bring it back.

Every server listens on a free loopback port (within TEST_PORT_RANGE, e.g. 18000-18199,
when set), writes under the test's temporary directory and is stopped by its context
manager, killed if it does not stop.
"""

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "tests" / "fixtures" / "course"
HOST = "127.0.0.1"
_taken: set[int] = set()


def free_port() -> int:
    """A loopback port nobody listens on, from TEST_PORT_RANGE when it is set."""
    low, _, high = os.environ.get("TEST_PORT_RANGE", "").partition("-")
    candidates = range(int(low), int(high) + 1) if high else [0] * 20
    for port in candidates:
        if port in _taken:
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            port = probe.getsockname()[1]
        _taken.add(port)
        return port
    raise RuntimeError("no free loopback port")


def site_env(static_root: Path, database_url: str, redis_url: str = "", **extra: str) -> dict:
    """Production settings on loopback: DEBUG off, the given database and cache only."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        {
            "DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "STATIC_ROOT": str(static_root),
            "DB_CONN_MAX_AGE": "60",
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra,
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str, check: bool = True) -> str:
    done = subprocess.run(  # noqa: S603 - our interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if check and done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_site(env: dict, course: Path = COURSE) -> None:
    """Migrate and import the course (static files: the `static_root` fixture)."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "import_content", str(course))


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    """Until the server on `port` answers HTTP (any status: a redirect to HTTPS or a
    refused host name still means Django is serving)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/ping/")
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"port {port} did not answer HTTP in {seconds} s")


def kill_group(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the process and everything it started; kill what is still there after 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def gunicorn(env: dict, tmp: Path, workers: int = 2, name: str = "app") -> Iterator[dict]:
    """A gunicorn on a free port; its access log names the worker (pid) of each request."""
    port = free_port()
    log = tmp / f"{name}-access.log"
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--chdir", str(ROOT),
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", "30",
        "--graceful-timeout", "3", "--access-logfile", str(log), "--no-control-socket",
        "--access-logformat", '%(p)s "%(r)s" %(s)s',
    ]  # fmt: skip
    with (tmp / f"{name}.log").open("w") as errors:
        process = subprocess.Popen(  # noqa: S603 - our interpreter and gunicorn
            command, cwd=ROOT, env=env, stdout=errors, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server = {"port": port, "process": process, "access_log": log, "log": tmp / f"{name}.log"}
    try:
        wait_for(port, process)
        yield server
    finally:
        kill_group(process)


def served_by(server: dict, needle: str) -> set[str]:
    """The worker pids whose access-log lines contain `needle`."""
    lines = server["access_log"].read_text().splitlines()
    return {line.split(" ", 1)[0] for line in lines if needle in line}


@contextmanager
def redis_server(port: int, tmp: Path) -> Iterator[subprocess.Popen]:
    """A private, memory-only redis-server on `port`."""
    process = subprocess.Popen(  # noqa: S603
        [shutil.which("redis-server") or "redis-server", "--bind", HOST, "--port", str(port),
         "--save", "", "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield process
    finally:
        kill_group(process, signal.SIGKILL)


class Forwarder:
    """A TCP forwarder between the app and a real service that the test can cut (every
    connection closed, new ones refused) and restore on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            doomed, self._open = self._open, []
        for sock in [listener, *doomed]:
            if sock is not None:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
