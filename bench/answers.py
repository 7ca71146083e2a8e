"""Answer POSTs alone: the throughput QUALITY.md's answer POST budget (>= 0.25 of the bare
view) applies to.

Preparation, not timed: --answer-sessions guest sessions (each a cookie jar: a GET of a
lesson page for the CSRF cookie, then "Start the test" on every lesson of the catalogue,
since a learner has one open attempt per lesson). A child process with gunicorn's settings
(bench/answer_plan.py) then reads each attempt's draw from the database and signs each
position's answer token as the question page would, with a right and a wrong answer; about
70% of the answers sent are right.

Timed: --connections threads take prepared attempts from a queue and POST their answers in
order, positions 0 to 9, with the attempt's session and CSRF cookies and the
csrfmiddlewaretoken field, no HX-Request header, redirects not followed. Every answer must
answer 303; anything else is counted as bad, and the rest of that attempt is skipped (its
later positions would only be refused as out of order). The window ends when the prepared
answers run out or after --answer-duration seconds (requests in flight then complete).
"""

import json
import queue
import random
import re
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import stack
from attempts import ATTEMPT_URL, FlowError, csrf_token, gist
from cpu import Usage, snapshot, usage
from httpclient import Client, TransportError, percentile
from loadgen import Measurement

RIGHT_SHARE = 0.7
PREPARE_TIMEOUT = 60  # seconds for opening all the sessions
PLAN_TIMEOUT = 60  # seconds for the plan script
PLAN_SCRIPT = Path(__file__).with_name("answer_plan.py")
LESSON_LINK = re.compile(r'href="/patterns/([\w-]+)/"')
MAX_PROBLEMS_KEPT = 5


@dataclass
class Attempt:
    """One prepared attempt: where to POST, with which cookies, which forms in order."""

    path: str  # /tests/<id>/answer/
    cookies: dict[str, str]  # the session's: sessionid and csrftoken
    csrf: str  # the token its lesson page carried, sent as csrfmiddlewaretoken
    forms: list[dict] = field(default_factory=list)


@dataclass
class AnswerResult:
    """What the POST-only phase prepared and measured (figures is None if nothing was)."""

    sessions: int
    lessons: int
    attempts: int = 0
    prepared: int = 0  # answers
    prepare_seconds: float = 0.0
    seconds: float = 0.0  # the timed window
    figures: Measurement | None = None
    statuses: Counter = field(default_factory=Counter)  # HTTP status -> count
    problems: list[str] = field(default_factory=list)
    cpu: Usage | None = None  # cores used during the timed window

    def note(self, problem: str) -> None:
        if problem not in self.problems and len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)


# --- Preparation ------------------------------------------------------------------------
def lesson_slugs(port: int) -> list[str]:
    """The lessons linked from the catalogue, in page order."""
    client = Client(port)
    try:
        reply = client.get("/")
    finally:
        client.close()
    if reply.status != 200:
        raise FlowError(f"GET / answered {reply.status}")
    return list(dict.fromkeys(LESSON_LINK.findall(reply.text)))


def open_session(port: int, slugs: list[str], deadline: float) -> list[Attempt]:
    """A new guest session that starts a test of each lesson; its attempts, no forms yet."""
    if time.monotonic() >= deadline:
        return []
    client = Client(port, cookies=True)
    started = []
    try:
        lesson = client.get(f"/patterns/{slugs[0]}/")
        if lesson.status != 200:
            raise FlowError(f"GET /patterns/{slugs[0]}/ answered {lesson.status}")
        csrf = csrf_token(lesson.text)
        for slug in slugs:
            if time.monotonic() >= deadline:
                break
            reply = client.post(f"/patterns/{slug}/test/", {"csrfmiddlewaretoken": csrf})
            match = ATTEMPT_URL.match(reply.location)
            if reply.status != 303 or not match:
                raise FlowError(
                    f"POST /patterns/{slug}/test/ -> {reply.status} {reply.location!r}: "
                    f"{gist(reply.text)}"
                )
            started.append(Attempt(f"{match[1]}answer/", dict(client.cookies), csrf))
    finally:
        client.close()
    return started


def prepare(site: stack.Site, sessions: int, threads: int, result: AnswerResult) -> list[Attempt]:
    """Open the sessions and start their attempts, then plan every answer."""
    slugs = lesson_slugs(site.port)
    if not slugs:
        raise FlowError("the catalogue links to no lesson")
    result.lessons = len(slugs)
    deadline = time.monotonic() + PREPARE_TIMEOUT
    started: list[Attempt] = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        jobs = [pool.submit(open_session, site.port, slugs, deadline) for _ in range(sessions)]
        for job in jobs:
            try:
                started.extend(job.result())
            except (FlowError, TransportError) as error:
                result.note(f"preparation: {error}")
    if not started:
        raise FlowError("no attempt could be started")
    ids = [int(attempt.path.split("/")[2]) for attempt in started]  # /tests/<id>/answer/
    plan = json.loads(stack.run_script(site, PLAN_SCRIPT, json.dumps(ids), PLAN_TIMEOUT))
    rng = random.Random(20)  # the same mix of right and wrong answers every run
    for attempt_id, attempt in zip(ids, started, strict=True):
        for token, right, wrong in plan.get(str(attempt_id), []):
            answer = right if rng.random() < RIGHT_SHARE else wrong
            attempt.forms.append({"csrfmiddlewaretoken": attempt.csrf, "token": token, **answer})
    return [attempt for attempt in started if attempt.forms]


# --- The timed window -------------------------------------------------------------------
@dataclass
class _Worker:
    """One connection's share of the window."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    problems: list[str] = field(default_factory=list)


def _post_answers(port: int, todo: queue.Queue, deadline: float, worker: _Worker) -> None:
    client = Client(port)  # no cookie jar: each attempt brings its own cookies
    try:
        while time.monotonic() < deadline:
            try:
                attempt = todo.get_nowait()
            except queue.Empty:
                return
            client.cookies = attempt.cookies
            for form in attempt.forms:
                if time.monotonic() >= deadline:
                    return
                try:
                    reply = client.post(attempt.path, form)
                except TransportError as error:
                    worker.errors += 1
                    worker.problems.append(str(error))
                    break
                worker.latencies.append(reply.ms)
                worker.statuses[reply.status] += 1
                if reply.status != 303:
                    worker.problems.append(
                        f"POST {attempt.path} -> {reply.status}: {gist(reply.text)}"
                    )
                    break  # the attempt's later answers would be refused as out of order
    finally:
        client.close()


def measure(
    label: str, port: int, attempts: list[Attempt], connections: int, seconds: int
) -> tuple[Measurement, _Worker, float]:
    """POST the attempts' answers over `connections` threads; figures, what was seen, and
    the seconds the window lasted."""
    todo: queue.Queue = queue.Queue()
    for attempt in attempts:
        todo.put(attempt)
    workers = [_Worker() for _ in range(connections)]
    cpu_before = time.process_time()
    started = time.monotonic()
    threads = [
        threading.Thread(target=_post_answers, args=(port, todo, started + seconds, w), daemon=True)
        for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    total = _Worker()
    for worker in workers:
        total.latencies.extend(worker.latencies)
        total.statuses.update(worker.statuses)
        total.errors += worker.errors
        total.problems.extend(worker.problems)
    latencies = sorted(total.latencies)
    figures = Measurement(
        name=label,
        tool="python",
        requests=len(latencies),
        rate=len(latencies) / elapsed,
        p50=percentile(latencies, 50),
        p90=percentile(latencies, 90),
        p99=percentile(latencies, 99),
        bad=sum(n for status, n in total.statuses.items() if status != 303),
        errors=total.errors,
        client_cpu=(time.process_time() - cpu_before) / elapsed,
    )
    return figures, total, elapsed


def run(
    site: stack.Site, label: str, sessions: int, connections: int, seconds: int
) -> AnswerResult:
    """Prepare (untimed), then POST the prepared answers for at most `seconds`."""
    result = AnswerResult(sessions=sessions, lessons=0)
    began = time.monotonic()
    try:
        attempts = prepare(site, sessions, connections, result)
    except (FlowError, TransportError, stack.SetupError, subprocess.SubprocessError,
            ValueError) as error:  # fmt: skip
        result.note(f"preparation failed: {error}")
        return result
    result.prepare_seconds = time.monotonic() - began
    result.attempts = len(attempts)
    result.prepared = sum(len(attempt.forms) for attempt in attempts)
    before = snapshot(site.pid)
    figures, total, result.seconds = measure(label, site.port, attempts, connections, seconds)
    result.cpu = usage(before, snapshot(site.pid), figures.client_cpu or 0.0)
    result.figures, result.statuses = figures, total.statuses
    for problem in total.problems:
        result.note(problem)
    return result
