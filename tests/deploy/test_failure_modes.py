"""Real outages under a running gunicorn: PostgreSQL cut off (or hanging) behind a TCP
forwarder, and a private redis-server killed, hanging or never there. Learner pages answer
the calm 503 page within seconds, /healthz/ names what is down, an answer sent during the
outage writes nothing, and once the service is back the same gunicorn serves again and
counts that answer once.

The machine's own PostgreSQL and Redis are never stopped: the app reaches PostgreSQL
through a `Forwarder` the test cuts, and its cache is a redis-server of its own. The
Redis tests run on SQLite too (the site then uses a database file).
"""

import json
import time
from contextlib import ExitStack

import pytest
from django.db import connection

from bench.visitor import Visitor

from .conftest import have, require
from .servers import (
    COURSE,
    Forwarder,
    free_port,
    gunicorn,
    manage,
    redis_server,
    site_env,
    stalled_listener,
)

# Transactional: what gunicorn commits is emptied after each test, as for the live server.
pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]
LESSON = "fixture-readiness"
CALM_HEADING = "Patternwise is briefly unavailable"
# A refused connection fails a request at once; a service that accepts and never answers
# costs the client's timeouts (config/settings.py): 3 s to connect to PostgreSQL, 1 s to
# connect to Redis and 2 s for its reply, once per request. No failing request may take
# longer than this.
PROMPT = 5.0
RECOVERY = 5.0  # seconds a service that is back may take to be used again


class PrivateRedis:
    """A redis-server of the test's own, on one port, that can be killed, replaced by a
    listener that never answers, and started again."""

    def __init__(self, tmp):
        self.port, self.tmp = free_port(), tmp
        self._stack = ExitStack()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.kill()
        self._stack.enter_context(redis_server(self.port, self.tmp))

    def kill(self) -> None:
        self._stack.close()  # SIGKILL: no goodbye to the clients

    def stall(self) -> None:
        self.kill()
        self._stack.callback(stalled_listener(self.port).close)


@pytest.fixture(scope="module")
def site(tmp_path_factory, static_root, django_db_setup):
    """One gunicorn worker with a persistent database connection (DB_CONN_MAX_AGE=60) that
    reaches PostgreSQL through a forwarder (on SQLite: a file, no forwarder) and whose
    cache is a private redis-server."""
    require(have("redis-server"), "needs redis-server: apt-get install -y redis-server")
    tmp = tmp_path_factory.mktemp("failure-modes")
    redis = PrivateRedis(tmp)
    forwarder = None
    if connection.vendor == "postgresql":
        # pytest-django's test database, already migrated.
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)
        forwarder = Forwarder((host, port))
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        direct_url = f"postgres://{credentials}@{host}:{port}/{db['NAME']}"
        app_url = f"postgres://{credentials}@127.0.0.1:{forwarder.port}/{db['NAME']}"
    else:
        direct_url = app_url = f"sqlite:///{tmp / 'site.db'}"
    redis.start()
    direct = site_env(static_root, direct_url, redis.url)
    if forwarder is None:
        manage(direct, "migrate", "--noinput", "-v", "0")
    try:
        with gunicorn(site_env(static_root, app_url, redis.url), tmp, workers=1) as server:
            yield {"port": server["port"], "forwarder": forwarder, "redis": redis,
                   "direct": direct, "tmp": tmp,
                   "process": server["process"]}  # fmt: skip
    finally:
        redis.kill()
        if forwarder:
            forwarder.close()


@pytest.fixture(autouse=True)
def _course(site):
    """The course, imported again after the last test's flush, by another process that
    shares the site's cache (so the app server's cached content follows)."""
    manage(site["direct"], "import_content", str(COURSE))
    yield
    assert site["process"].poll() is None, "gunicorn must never need a restart"


@pytest.fixture
def postgres(site):
    if site["forwarder"] is None:
        pytest.skip("database outages are tested on PostgreSQL (DATABASE_URL=postgres://...)")
    return site["forwarder"]


def timed(visitor: Visitor, method: str, path: str, form: dict | None = None):
    """(status, body, seconds)."""
    started = time.monotonic()
    status, _, body = visitor.send(method, path, form, timeout=30)
    return status, body, time.monotonic() - started


PROGRESS = """
import json
from quizzes.models import Response, TestAttempt
attempt = TestAttempt.objects.get(pk={id})
print(json.dumps([attempt.position, Response.objects.filter(slot__attempt_id={id}).count()]))
"""


def progress_of(site, attempt_id: int) -> tuple[int, int]:
    """The attempt's position and how many Response rows it has, read past any outage
    (straight from the database, in another process)."""
    output = manage(site["direct"], "shell", "-c", PROGRESS.format(id=attempt_id))
    position, responses = json.loads(output.strip().splitlines()[-1])
    return position, responses


class Learner:
    """A guest who has answered the first question of a test, with the form for the
    second one ready to send."""

    def __init__(self, site):
        self.site, self.visitor = site, Visitor(site["port"])
        self.test = self.visitor.start_test(LESSON)
        self.attempt_id = int(self.test.split("/")[2])
        path, form = self.visitor.answer_form(self.test)
        assert self.visitor.send("POST", path, form)[0] == 303
        self.pages = [f"/patterns/{LESSON}/", self.test, "/me/"]
        self.assert_pages_work()  # the worker's connections are open and in use
        self.answer = self.visitor.answer_form(self.test)

    def assert_pages_work(self) -> None:
        for page in self.pages:
            assert self.visitor.send("GET", page)[0] == 200, page

    def assert_calm_outage(self, pages: list[str] | None = None) -> float:
        """Every page (or those given) and the answer POST: the calm 503 page, promptly.
        Returns the slowest request's seconds."""
        pages = self.pages if pages is None else pages
        requests = [("GET", page, None) for page in pages] + [("POST", *self.answer)]
        slowest = 0.0
        for method, path, form in requests:
            status, body, seconds = timed(self.visitor, method, path, form)
            assert_calm_503(status, body, f"{method} {path}")
            assert seconds < PROMPT, f"{method} {path} took {seconds:.2f} s"
            slowest = max(slowest, seconds)
        return slowest

    def assert_answer_counts_once(self) -> None:
        """The answer sent during the outage wrote nothing (no partial grade); sent again
        now, it is graded once, and a replay changes nothing."""
        assert progress_of(self.site, self.attempt_id) == (1, 1)
        status, location, _ = self.visitor.send("POST", *self.answer)
        assert (status, location) == (303, f"{self.test}questions/2/")
        assert self.visitor.send("POST", *self.answer)[0] == 409
        assert progress_of(self.site, self.attempt_id) == (2, 2)


def assert_calm_503(status: int, body: str, what: str) -> None:
    assert status == 503, f"{what}: {status}"
    assert CALM_HEADING in body, f"{what}: not the calm page"
    assert "Traceback" not in body and "Error" not in body, f"{what}: shows an error"


def assert_health(port: int, database: str, cache: str) -> None:
    status, body, seconds = timed(Visitor(port), "GET", "/healthz/")
    report = json.loads(body)
    assert (report["database"], report["cache"]) == (database, cache), report
    if database == cache == "ok":
        assert status == 200, report
    else:
        assert status == 503, report
        down = [name for name, state in (("database", database), ("cache", cache))
                if state == "down"]  # fmt: skip
        assert all(f"{name} unavailable" in report["reason"] for name in down), report
    assert seconds < PROMPT, f"/healthz/ took {seconds:.2f} s"


def seconds_until_healthy(port: int) -> float:
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY:
        if Visitor(port).send("GET", "/healthz/")[0] == 200:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"/healthz/ not 200 within {RECOVERY} s of the service returning")


def report(capsys, outage: str, slowest: float, recovery: float | None = None) -> None:
    line = f"\n{outage}: slowest failing request {slowest:.2f} s"
    if recovery is not None:
        line += f", /healthz/ 200 {recovery:.2f} s after it returned"
    with capsys.disabled():
        print(line, end=" ")


def outage_then_recovery(site, capsys, name: str, cause, cure, *, down: str, pages=None):
    """Break a dependency, check the learner meets the calm 503 page promptly and health
    names what is down, mend it, and check everything works again with no restart and the
    answer sent during the outage counted once."""
    learner = Learner(site)
    cause()
    try:
        slowest = learner.assert_calm_outage(pages=pages(learner) if pages else None)
        assert_health(site["port"], **{"database": "ok", "cache": "ok", down: "down"})
    finally:
        cure()
    recovery = seconds_until_healthy(site["port"])
    learner.assert_pages_work()
    learner.assert_answer_counts_once()
    report(capsys, name, slowest, recovery)
    return learner


def test_postgresql_cut_off_then_back_and_restarted(site, postgres, capsys):
    learner = outage_then_recovery(site, capsys, "PostgreSQL refusing", postgres.cut,
                                   postgres.restore, down="database")  # fmt: skip
    # A restart between two requests: the worker's idle persistent connection dies
    # unseen, and the health check replaces it before the next request uses it.
    postgres.cut()
    postgres.restore()
    learner.assert_pages_work()


def test_postgresql_that_never_answers_fails_requests_promptly(site, postgres, capsys):
    # The persistent connection is gone and new ones hang: each request waits 3 s.
    outage_then_recovery(site, capsys, "PostgreSQL hanging", postgres.stall, postgres.restore,
                         down="database", pages=lambda learner: [learner.test])  # fmt: skip


def test_redis_killed_then_back_and_restarted(site, capsys):
    redis = site["redis"]  # restarted on the same port, empty
    learner = outage_then_recovery(site, capsys, "Redis killed", redis.kill, redis.start,
                                   down="cache")  # fmt: skip
    # A restart between two requests: the pooled connections are dead and the new Redis
    # is empty; sessions and draws come back from the database.
    redis.start()
    learner.assert_pages_work()


def test_redis_that_never_answers_fails_requests_promptly(site, capsys):
    redis = site["redis"]
    outage_then_recovery(site, capsys, "Redis hanging", redis.stall, redis.start, down="cache")


def test_redis_on_a_dead_port_from_the_start(site, capsys):
    """An app server started while Redis is not there at all: it starts, says so, serves
    the calm page, and works once a Redis appears on that port."""
    redis = PrivateRedis(site["tmp"])
    env = {**site["direct"], "REDIS_URL": redis.url}
    with gunicorn(env, site["tmp"], workers=1, name="dead-redis") as server:
        guest = Visitor(server["port"])
        assert_health(server["port"], database="ok", cache="down")
        slowest = 0.0
        for page in ["/", f"/patterns/{LESSON}/"]:  # cached whole pages
            status, body, seconds = timed(guest, "GET", page)
            assert_calm_503(status, body, f"GET {page}")
            slowest = max(slowest, seconds)
        assert slowest < PROMPT
        redis.start()
        try:
            recovery = seconds_until_healthy(server["port"])
            assert guest.start_test(LESSON)
        finally:
            redis.kill()
    report(capsys, "Redis never there", slowest, recovery)
