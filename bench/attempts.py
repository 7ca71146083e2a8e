"""Virtual learners taking the lesson's test through the no-JavaScript flow.

Each virtual user has its own connection and cookie jar (so its own session and learner)
and loops until the deadline: GET the lesson page, POST "Start the test" (303 to the
attempt, or to the user's unfinished one), then per question GET the attempt page and POST
an answer (303, not followed), and finally GET the result. Every request is timed by step.
"""

import html
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from cpu import Usage
from httpclient import Client, Reply, TransportError

MAX_QUESTIONS = 30  # bounds one attempt's question loop whatever the page says
MAX_PROBLEMS_KEPT = 5
STEPS = ("lesson", "start", "question", "answer", "result")

TAG_ATTRS = re.compile(r'([\w-]+)=(?:"([^"]*)"|\'([^\']*)\')')
INPUT_TAG = re.compile(r"<(input|textarea)\b[^>]*>", re.IGNORECASE)
BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
QUESTION_OF = re.compile(r"Question (\d+) of (\d+)")
MAIN_ELEMENT = re.compile(r"<main\b.*?</main>", re.IGNORECASE | re.DOTALL)
ATTEMPT_URL = re.compile(r"^(?:https?://[^/]+)?(/tests/\d+/)$")


class FlowError(Exception):
    """The site answered something the flow cannot continue from."""


@dataclass
class FlowStats:
    """What one or more virtual users saw."""

    ms: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    unexpected: Counter = field(default_factory=Counter)  # (step, status) -> count
    errors: int = 0  # transport errors: no response at all
    completed: int = 0
    problems: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if problem not in self.problems and len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    def merge(self, other: "FlowStats") -> None:
        for step, values in other.ms.items():
            self.ms[step].extend(values)
        self.unexpected.update(other.unexpected)
        self.errors += other.errors
        self.completed += other.completed
        for problem in other.problems:
            self.note(problem)


# --- Reading the pages ------------------------------------------------------------------
def _attrs(tag: str) -> dict[str, str]:
    return {
        name.lower(): html.unescape(double or single)
        for name, double, single in TAG_ATTRS.findall(tag)
    }


def _fields(page: str) -> list[tuple[str, dict[str, str]]]:
    return [(match[1].lower(), _attrs(match[0])) for match in INPUT_TAG.finditer(page)]


def csrf_token(page: str) -> str:
    """The CSRF token from `<body hx-headers>`, or from any form on the page."""
    body = BODY_TAG.search(page)
    if body and (headers := _attrs(body[0]).get("hx-headers")):
        token = json.loads(headers).get("X-CSRFToken")
        if token:
            return token
    for _, attrs in _fields(page):
        if attrs.get("name") == "csrfmiddlewaretoken" and attrs.get("value"):
            return attrs["value"]
    raise FlowError("no CSRF token on the page")


def answer_form(page: str) -> dict[str, str]:
    """The answer POST for the question on the page: its token and a first-option answer."""
    form = {"csrfmiddlewaretoken": csrf_token(page)}
    for tag, attrs in _fields(page):
        name = attrs.get("name")
        if name == "token":
            form["token"] = attrs.get("value", "")
        elif name in {"choice", "choices"} and name not in form:
            form[name] = attrs.get("value", "")
        elif tag == "textarea" and name == "answer":
            form["answer"] = "x"
    if "token" not in form or not {"choice", "choices", "answer"} & form.keys():
        raise FlowError("the question page has no answer form")
    return form


def gist(page: str, length: int = 160) -> str:
    """The start of the page's main text, to say what an unexpected response was."""
    main = MAIN_ELEMENT.search(page)
    text = re.sub(r"<[^>]+>", " ", main[0] if main else page)
    return " ".join(html.unescape(text).split())[:length]


def is_last_question(page: str) -> bool:
    """True on 'Question 10 of 10'; if the page stops saying so, the attempt page's
    redirect to the result after the last answer ends the loop instead."""
    match = QUESTION_OF.search(page)
    return bool(match) and int(match[1]) >= int(match[2])


# --- One virtual user -------------------------------------------------------------------
class VirtualUser:
    """One learner with a fresh session, taking the test over and over until the deadline."""

    def __init__(self, port: int, lesson_slug: str, deadline: float):
        self.client = Client(port, cookies=True)
        self.lesson_path = f"/patterns/{lesson_slug}/"
        self.deadline = deadline
        self.stats = FlowStats()

    def run(self, max_attempts: int) -> None:
        try:
            for _ in range(max_attempts):
                if self._out_of_time():
                    return
                try:
                    self.take_test()
                except TransportError as error:
                    self.stats.errors += 1
                    self.stats.note(str(error))
                    time.sleep(0.05)
                except FlowError as error:
                    self.stats.note(str(error))
                    time.sleep(0.05)
        finally:
            self.client.close()

    def take_test(self) -> None:
        lesson = self._step("lesson", "GET", self.lesson_path, expect=200)
        started = self._step(
            "start",
            "POST",
            f"{self.lesson_path}test/",
            form={"csrfmiddlewaretoken": csrf_token(lesson.text)},
            expect=303,
        )
        match = ATTEMPT_URL.match(started.location)
        if not match:
            raise FlowError(f"starting the test redirected to {started.location!r}")
        attempt_path = match[1]
        if self._answer_questions(attempt_path):
            self._step("result", "GET", f"{attempt_path}result/", expect=200)
            self.stats.completed += 1

    def _answer_questions(self, attempt_path: str) -> bool:
        """Answer until the last question; False if time ran out first."""
        for _ in range(MAX_QUESTIONS):
            if self._out_of_time():
                return False
            page = self._step("question", "GET", attempt_path, expect=(200, 302))
            if page.status == 302:  # already finished: the page sends us to the result
                if page.location.endswith("result/"):
                    return True
                raise FlowError(f"the attempt page redirected to {page.location!r}")
            form = answer_form(page.text)
            self._step("answer", "POST", f"{attempt_path}answer/", form=form, expect=303)
            if is_last_question(page.text):
                return True
        raise FlowError(f"no result after {MAX_QUESTIONS} questions")

    def _step(self, step: str, method: str, path: str, *, form=None, expect) -> Reply:
        reply = self.client.request(method, path, form)
        self.stats.ms[step].append(reply.ms)
        expected = expect if isinstance(expect, tuple) else (expect,)
        if reply.status not in expected:
            self.stats.unexpected[step, reply.status] += 1
            raise FlowError(f"{step}: {method} {path} -> {reply.status}: {gist(reply.text)}")
        return reply

    def _out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline


@dataclass
class FlowResult:
    stats: FlowStats
    seconds: float
    users: int
    client_cpu: float  # this process's CPU during the phase, in cores
    cpu: Usage | None = None  # the server's and other processes', set by the caller


def run_attempts(port: int, lesson_slug: str, users: int, seconds: int) -> FlowResult:
    """`users` virtual users in parallel for `seconds` (requests in flight then complete)."""
    started = time.monotonic()
    cpu_before = time.process_time()
    crowd = [VirtualUser(port, lesson_slug, started + seconds) for _ in range(users)]
    max_attempts = 10 * seconds + 10  # far above what a 2-core machine can serve
    threads = [threading.Thread(target=u.run, args=(max_attempts,), daemon=True) for u in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    stats = FlowStats()
    for user in crowd:
        stats.merge(user.stats)
    cpu = (time.process_time() - cpu_before) / elapsed
    return FlowResult(stats, elapsed, users, cpu)
