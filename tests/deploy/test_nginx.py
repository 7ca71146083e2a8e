"""The shipped nginx configuration (deploy/nginx/patternwise.conf) in front of two gunicorn
servers on PostgreSQL + Redis: round robin without sticky sessions, an app server lost in
the middle of a learner's test, and slow clients that must not reach a worker.

The test writes the shipped file with its ports, paths and certificate replaced by the
test's own (a self-signed certificate for patternwise.example) and starts a private nginx.
"""

import os
import re
import signal
import socket
import ssl
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from bench.visitor import Visitor
from quizzes.models import Response, TestAttempt

from .conftest import have, require
from .servers import HOST, ROOT, free_port, gunicorn, kill_group, site_env

pytestmark = [pytest.mark.deploy, pytest.mark.postgres]
SHIPPED = ROOT / "deploy" / "nginx" / "patternwise.conf"
SERVER_NAME = "patternwise.example"
WRAPPER = """\
user root;
worker_processes 1;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    log_format upstream '$request $status $upstream_addr';
    access_log {dir}/access.log upstream;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/patternwise.conf;
}}
"""


def site_config(ports: list[int], https_port: int, http_port: int, static, tmp) -> str:
    """The shipped configuration with the test's ports, static files and certificate."""
    text = SHIPPED.read_text()
    for shipped, port in zip(("127.0.0.1:8001", "127.0.0.1:8002"), ports, strict=True):
        assert shipped in text
        text = text.replace(shipped, f"127.0.0.1:{port}")
    replacements = {
        r"\n\s*listen \[::\]:\d+[^;]*;": "",
        r"listen 80;": f"listen {HOST}:{http_port};",
        r"listen 443 ssl": f"listen {HOST}:{https_port} ssl",
        r"/srv/patternwise/staticfiles/": f"{static}/",
        r"ssl_certificate [^;]+;": f"ssl_certificate {tmp}/cert.pem;",
        r"ssl_certificate_key [^;]+;": f"ssl_certificate_key {tmp}/key.pem;",
    }
    for pattern, replacement in replacements.items():
        text, count = re.subn(pattern, replacement, text)
        assert count, f"the shipped config no longer has {pattern!r}"
    return text


@pytest.fixture
def stack(course_tx, static_root, tmp_path):
    """nginx on a TLS port, balancing across two gunicorn servers (one worker each)."""
    # CI's SQLite pass has neither, by design: skip there; CI's second pass has both.
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("runs on PostgreSQL + Redis (DATABASE_URL, REDIS_URL)")
    require(have("nginx"), "needs nginx: apt-get install -y nginx")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = site_env(
        static_root, database_url, os.environ["REDIS_URL"],
        DJANGO_HTTPS="1", ALLOWED_HOSTS=SERVER_NAME, CACHE_KEY_PREFIX=f"deploy{os.getpid()}",
        TRUSTED_PROXY_COUNT="1",  # as in production behind deploy/'s nginx
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={SERVER_NAME}", "-keyout", tmp_path / "key.pem",
         "-out", tmp_path / "cert.pem"], check=True, capture_output=True,
    )  # fmt: skip
    with gunicorn(env, tmp_path, 1, "a") as a, gunicorn(env, tmp_path, 1, "b") as b:
        https_port, http_port = free_port(), free_port()
        config = site_config([a["port"], b["port"]], https_port, http_port, static_root, tmp_path)
        (tmp_path / "patternwise.conf").write_text(config)
        (tmp_path / "nginx.conf").write_text(WRAPPER.format(dir=tmp_path))
        nginx = subprocess.Popen(  # noqa: S603
            ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
             "-g", f"daemon off; pid {tmp_path}/nginx.pid;"],
            stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        try:
            _wait_for_port(https_port, nginx)
            yield {"a": a, "b": b, "port": https_port, "http_port": http_port, "dir": tmp_path}
        finally:
            kill_group(nginx)


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not listen")


def upstreams(stack) -> list[str]:
    """The app server each request went to, in order, from nginx's access log."""
    lines = (stack["dir"] / "access.log").read_text().splitlines()
    return [line.rsplit(" ", 1)[1] for line in lines]


def test_a_whole_test_through_nginx_survives_losing_an_app_server(stack):
    learner = Visitor(stack["port"], SERVER_NAME, tls=True)
    test = learner.start_test("fixture-readiness")
    attempt_id = int(test.split("/")[2])
    for answered in range(10):
        if answered == 5:  # half-way: app server a dies without a goodbye
            served = set(upstreams(stack))
            assert {f"127.0.0.1:{stack[s]['port']}" for s in "ab"} <= served, served
            kill_group(stack["a"]["process"], signal.SIGKILL)
            mark = len(upstreams(stack))
        path, form = learner.answer_form(test)
        status, location, _ = learner.send("POST", path, form)
        assert status == 303, f"answer {answered + 1}: {status} {location}"
    assert learner.answer_form(test) is None  # finished: the result page

    after = upstreams(stack)[mark:]
    assert after and all(addr.endswith(f":{stack['b']['port']}") for addr in after), after
    attempt = TestAttempt.objects.get(pk=attempt_id)
    responses = list(Response.objects.filter(slot__attempt_id=attempt_id))
    assert attempt.status == TestAttempt.Status.FINISHED
    assert len(responses) == 10 and len({r.slot_id for r in responses}) == 10
    assert attempt.score == sum(r.is_correct for r in responses)


def _half_request(port: int) -> ssl.SSLSocket:
    raw = socket.create_connection((HOST, port), timeout=5)
    sock = ssl._create_unverified_context().wrap_socket(raw, server_hostname=SERVER_NAME)  # noqa: S323
    sock.sendall(f"GET / HTTP/1.1\r\nHost: {SERVER_NAME}\r\nUser-Agent: slow".encode())
    return sock


def test_slow_clients_wait_in_nginx_not_in_the_app_servers(stack):
    slow = [_half_request(stack["port"]) for _ in range(3)]  # more than the 2 workers
    try:
        started = time.monotonic()
        status, _, _ = Visitor(stack["port"], SERVER_NAME, tls=True).send("GET", "/", timeout=5)
        assert status == 200 and time.monotonic() - started < 2
        # The same three clients straight at one app server leave it no worker.
        direct = [socket.create_connection((HOST, stack["a"]["port"])) for _ in range(3)]
        for sock in direct:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: patternwise.example\r\nUser-Agent: slow")
        with pytest.raises(TimeoutError):
            Visitor(stack["a"]["port"], SERVER_NAME).send("GET", "/ping/", timeout=2)
        for sock in direct:
            sock.close()
    finally:
        for sock in slow:
            sock.close()


def test_static_files_come_from_nginx_with_long_caching_for_hashed_names(stack):
    learner = Visitor(stack["port"], SERVER_NAME, tls=True)
    _, _, page = learner.send("GET", "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)[1]
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)
    status, _, css = learner.send("GET", stylesheet)
    assert status == 200 and css
    # nginx writes the log line after it has sent the response: give it a moment.
    log, deadline = stack["dir"] / "access.log", time.monotonic() + 5
    while f"{stylesheet} HTTP/1.1" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"{stylesheet} HTTP/1.1 200 -" in log.read_text()  # "-": no upstream


def test_two_hundred_learners_start_the_test_within_five_seconds(stack, capsys):
    """Launch day's shape: 200 new learners, one every 25 ms from ten client addresses,
    each opens the lesson and starts its test through nginx. None fails, each gets an
    attempt of its own, and the latency is reported (speed itself is `make bench`'s job)."""
    learners, started, seconds = 200, time.perf_counter(), []

    def arrive(number: int) -> str:
        time.sleep(max(0.0, started + number * 5 / learners - time.perf_counter()))
        visitor = Visitor(stack["port"], SERVER_NAME, tls=True, source=f"127.0.0.{2 + number % 10}")
        began = time.perf_counter()
        test = visitor.start_test("fixture-readiness")  # the lesson page, then the start POST
        seconds.append(time.perf_counter() - began)
        return test

    with ThreadPoolExecutor(max_workers=32) as pool:
        tests = list(pool.map(arrive, range(learners)))
    elapsed = time.perf_counter() - started

    assert len(set(tests)) == learners
    assert TestAttempt.objects.filter(status="in_progress").count() == learners
    ordered = sorted(seconds)
    p50, p99 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99) - 1]
    with capsys.disabled():
        print(f"\n200 learners started in {elapsed:.1f} s through nginx, 0 errors; "
              f"per learner (GET lesson + POST start) p50 {p50 * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms")  # fmt: skip
