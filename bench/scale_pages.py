"""The requests bench/scale.py times, once Django is set up: seeded learners with
history, their sessions, and each page's samples and query count."""

import html
import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from visitor import ANSWER_FORM, ATTRIBUTE, FIELD

from accounts.learners import SESSION_KEY
from accounts.models import Learner
from courses.models import Lesson
from progress.models import LessonProgress, ReviewCard
from quizzes import services
from quizzes.models import Response, TestAttempt


@dataclass
class Seeded:
    """A learner from the seeded data, with a browser's session and a lesson they took."""

    learner_id: int
    slug: str
    client: Client


def describe_data() -> str:
    return (f"{Learner.objects.count()} learners, {Lesson.objects.count()} lessons, "
            f"{TestAttempt.objects.count()} tests, {Response.objects.count()} responses, "
            f"{LessonProgress.objects.count()} progress rows, "
            f"{ReviewCard.objects.count()} review cards")  # fmt: skip


def learners_with_history(count: int, rng) -> list[Seeded]:
    """`count` learners chosen at random among those with a finished test."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT learner_id, lesson_id FROM progress_lessonprogress "
            "WHERE tests_taken > 0 ORDER BY md5(learner_id::text || %s) LIMIT %s",
            [str(rng.random()), count],
        )
        pairs = cursor.fetchall()
    slugs = dict(Lesson.objects.values_list("pk", "slug"))
    return [Seeded(learner, slugs[lesson], session_client(learner)) for learner, lesson in pairs]


def session_client(learner_id: int) -> Client:
    """A client whose session holds the guest learner, as the site stores it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = {"user": None, "id": learner_id}
    store.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def timed(client: Client, method: str, path: str, expect: int, **extra) -> float:
    began = time.perf_counter()
    response = getattr(client, method)(path, **extra)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != expect:
        raise SystemExit(f"{method.upper()} {path} -> {response.status_code}, not {expect}")
    return elapsed


def query_count(client: Client, method: str, path: str, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        getattr(client, method)(path, **extra)
    return len(captured)


def answer_fields(page: str) -> tuple[str, dict]:
    """The answer form's action and fields (the first option, or a typed guess)."""
    form = ANSWER_FORM.search(page)
    if form is None:
        raise SystemExit("The question page has no answer form.")
    fields = {}
    for tag, attributes in FIELD.findall(form[0]):
        attrs = dict(ATTRIBUTE.findall(attributes))
        name = attrs.get("name", "")
        if tag == "textarea":
            fields[name] = "a guess"
        elif name and name not in fields:
            fields[name] = html.unescape(attrs.get("value", ""))
    return form[1], fields


def measure(learners: list[Seeded], samples: int, rng) -> tuple[dict, dict]:
    """Samples (ms) and the query count of each page, for learners with history."""
    reads = {
        "dashboard /me/": lambda s: "/me/",
        "review /review/": lambda s: "/review/",
        "lesson page (history)": lambda s: f"/patterns/{s.slug}/",
    }
    timings, queries = {}, {}
    for label, path_of in reads.items():
        for seeded in learners:  # warm: the content cache, the session cache
            seeded.client.get(path_of(seeded))
        queries[label] = query_count(learners[0].client, "get", path_of(learners[0]))
        timings[label] = []
        for _ in range(samples):
            seeded = rng.choice(learners)
            timings[label].append(timed(seeded.client, "get", path_of(seeded), 200))
    timings.update(answer_timings(learners, samples, queries))
    return timings, queries


def answer_timings(learners: list[Seeded], samples: int, queries: dict) -> dict:
    """Question pages and answer POSTs: each learner takes a new test of their lesson,
    reading each question and answering it, with htmx on every other answer."""
    timings = {"question page": [], "answer POST (303)": [], "answer POST (htmx)": []}
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    while len(timings["answer POST (htmx)"]) < samples // 2:
        for seeded in learners:
            learner = Learner.objects.get(pk=seeded.learner_id)
            attempt = services.start_test(learner=learner, lesson=lessons[seeded.slug])
            question_page = f"/tests/{attempt.pk}/"
            for number in range(attempt.question_count):
                if not queries.get("question page"):
                    queries["question page"] = query_count(seeded.client, "get", question_page)
                timings["question page"].append(timed(seeded.client, "get", question_page, 200))
                action, fields = answer_fields(seeded.client.get(question_page).content.decode())
                if number % 2:
                    label, expect, extra = "answer POST (htmx)", 200, {"HTTP_HX_REQUEST": "true"}
                else:
                    label, expect, extra = "answer POST (303)", 303, {}
                timings[label].append(timed(seeded.client, "post", action, expect,
                                            data=fields, **extra))  # fmt: skip
    return timings


def item_analysis_timings(rng, runs: int = 10) -> list[float]:
    """The item-analysis report (quizzes.item_analysis.lesson_report) of seeded lessons,
    each over its ~2,000 finished tests and 20,000 responses."""
    from quizzes.item_analysis import lesson_report

    lessons = list(Lesson.objects.all())
    values = []
    for _ in range(runs):
        lesson = rng.choice(lessons)
        began = time.perf_counter()
        lesson_report(lesson)
        values.append((time.perf_counter() - began) * 1000)
    return values
