"""Two real gunicorn workers on SQLite with no REDIS_URL (the README's local set-up) agree:
content edits, answer keys and throttles go through the cache every process shares.

Each worker keeps its own copy of content values and re-reads the content version at
most every VERSION_TTL seconds, so an edit must show from both workers within that time.
"""

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.visitor import Visitor
from courses.content_cache import VERSION_TTL

from .servers import COURSE, gunicorn, manage, prepare_site, site_env

pytestmark = pytest.mark.deploy
LESSON = "fixture-readiness"
OLD_TITLE = "Why production readiness matters"
NEW_TITLE = "Production readiness, renamed by an import"


@pytest.fixture(scope="module")
def site(tmp_path_factory, static_root):
    """A migrated SQLite site served by one gunicorn with two workers."""
    tmp = tmp_path_factory.mktemp("shared-cache")
    env = site_env(static_root, f"sqlite:///{tmp / 'site.db'}")
    prepare_site(env)
    with gunicorn(env, tmp, workers=2) as server:
        yield env, tmp, server


def in_pairs(function, items):
    """Two requests at a time: while one worker is busy the other must take the next."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(function, items))


def from_both_workers(server, needle: str, function, items, rounds: int = 30) -> list:
    """`function` over `items` in pairs, again until both workers have served a request
    matching `needle` (the kernel, not the test, picks the worker); all the results."""
    mark, results = log_mark(server), []
    for _ in range(rounds):
        results += in_pairs(function, items)
        if len(workers_since(server, mark, needle)) == 2:
            return results
    raise AssertionError(f"one worker served every {needle!r} in {rounds} rounds")


def shell(env, code: str):
    """Run code in `manage.py shell` (another process, as an operator would) and return
    what it printed as JSON."""
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def log_mark(server) -> int:
    return len(server["access_log"].read_text())


def workers_since(server, mark: int, needle: str) -> set[str]:
    tail = server["access_log"].read_text()[mark:]
    return {line.split(" ", 1)[0] for line in tail.splitlines() if needle in line}


def test_an_imported_title_shows_on_every_page_from_both_workers(site):
    env, tmp, server = site
    port = server["port"]
    pages = [f"/patterns/{LESSON}/", "/"] * 10

    def title_on(path: str) -> tuple[int, bool, bool]:
        status, _, body = Visitor(port).send("GET", path)
        return status, OLD_TITLE in body, NEW_TITLE in body

    # Both workers now hold the old pages in their own memory.
    before = from_both_workers(server, f"/patterns/{LESSON}/", title_on, pages)
    assert all(seen == (200, True, False) for seen in before)

    edited = tmp / "course"
    shutil.copytree(COURSE, edited, dirs_exist_ok=True)
    lesson_file = edited / "fixture-track" / LESSON / "lesson.md"
    lesson_file.write_text(lesson_file.read_text().replace(OLD_TITLE, NEW_TITLE, 1))
    manage(env, "import_content", str(edited))
    time.sleep(VERSION_TTL + 0.5)

    after = from_both_workers(server, f"/patterns/{LESSON}/", title_on, pages)
    assert all(seen == (200, False, True) for seen in after), after


CURRENT_QUESTIONS = """
import json
from quizzes.models import AttemptQuestion
rows = AttemptQuestion.objects.filter(attempt_id__in={ids}, position=0).select_related("question")
print(json.dumps({{r.attempt_id: [r.question_id, r.question.kind,
    [[o.pk, o.is_correct] for o in r.question.options.order_by("pk")]] for r in rows}}))
"""
FLIP_KEYS = """
import json
from courses.models import Option
for question_id in {ids}:
    options = list(Option.objects.filter(question_id=question_id).order_by("pk"))
    right = next(o for o in options if o.is_correct)
    wrong = next(o for o in options if not o.is_correct)
    right.is_correct, wrong.is_correct = False, True
    right.save()
    wrong.save()
print(json.dumps(None))
"""
GRADES = """
import json
from quizzes.models import Response
print(json.dumps({{r.slot.attempt_id: [r.selected_options, r.is_correct]
    for r in Response.objects.filter(slot__attempt_id__in={ids}).select_related("slot")}}))
"""


def test_a_flipped_answer_key_grades_the_same_on_both_workers(site):
    env, _, server = site
    guests = [Visitor(server["port"]) for _ in range(12)]
    tests = in_pairs(lambda guest: guest.start_test(LESSON), guests)
    ids = [int(test.split("/")[2]) for test in tests]
    current = {int(k): v for k, v in shell(env, CURRENT_QUESTIONS.format(ids=ids)).items()}
    # One right option: after the flip, "the other option" is one clear answer.
    chosen = [(g, t, i) for g, t, i in zip(guests, tests, ids, strict=True)
              if current[i][1] in {"single", "true_false"}]  # fmt: skip
    assert len(chosen) >= 4, "the fixture lesson's test should draw single-choice questions"
    # Every worker caches the questions with their old keys.
    from_both_workers(server, "GET /tests/", lambda item: item[0].answer_form(item[1]), chosen)

    shell(env, FLIP_KEYS.format(ids=sorted({current[i][0] for _, _, i in chosen})))
    time.sleep(VERSION_TTL + 0.5)

    def new_key(attempt_id: int) -> int:
        return next(pk for pk, correct in current[attempt_id][2] if not correct)

    def answer(item) -> int:
        guest, test, attempt_id = item
        path, form = guest.answer_form(test, choose=lambda values: str(new_key(attempt_id)))
        status, _, _ = guest.send("POST", path, form)
        return status

    # Both workers held the old key, so whichever grades must have read the new version.
    assert in_pairs(answer, chosen) == [303] * len(chosen)
    grades = shell(env, GRADES.format(ids=[i for _, _, i in chosen]))
    assert grades == {str(i): [[new_key(i)], True] for _, _, i in chosen}


def test_sign_in_failures_are_counted_across_both_workers(site):
    env, _, server = site
    manage(env, "shell", "-c",
           "from django.contrib.auth.models import User; "
           "User.objects.create_user('shared', password='right-pass-4711')")  # fmt: skip
    guest = Visitor(server["port"])
    guest.send("GET", "/accounts/login/")

    def sign_in(password: str) -> str:
        form = {"csrfmiddlewaretoken": guest.csrf, "username": "shared", "password": password}
        status, location, body = guest.send("POST", "/accounts/login/", form)
        return "signed in" if status == 302 else body

    failures = in_pairs(sign_in, ["wrong"] * 5)
    assert all("Too many failed" not in body for body in failures)
    # Five failures in all, whichever workers counted them: the next try is refused by
    # both, even with the right password.
    refused = from_both_workers(server, "POST /accounts/login/", sign_in, ["right-pass-4711"] * 2)
    assert all("Too many failed sign-in attempts" in body for body in refused)
