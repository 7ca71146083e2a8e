"""Drive the test flow through Django's test client, as a browser would."""

import re
import threading

from django.db import connections
from django.urls import reverse

from quizzes.models import TestAttempt


def start(client, lesson) -> TestAttempt:
    response = client.post(reverse("learning:start", args=[lesson.slug]))
    assert response.status_code == 303, response
    attempt_id = int(re.search(r"/tests/(\d+)/", response["Location"]).group(1))
    return TestAttempt.objects.get(pk=attempt_id)


def current_token(client, attempt) -> str:
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def secrets_of(question) -> list[str]:
    """Everything that gives a question's answer away (or its hint): what no page may show before grading."""
    secrets = [question.solution_html, question.mistakes_html, question.quick_check_html,
               question.hint_html]  # fmt: skip
    if question.is_typed:
        secrets.append(f">{question.expected_output.strip()}<")
    secrets += [option.explanation_html for option in question.options.all()]
    return [secret for secret in secrets if secret]


def answer_data(slot, right: bool = True) -> dict:
    """Form data answering a drawn question rightly or wrongly."""
    question = slot.question
    if question.is_typed:
        return {"answer": question.expected_output if right else "not the output"}
    options = list(question.options.all())
    if right:
        chosen = [o.pk for o in options if o.is_correct]
    else:
        chosen = [next(o.pk for o in options if not o.is_correct)]
    return {"choices": chosen} if question.kind == "multiple" else {"choice": chosen[0]}


def answer(client, attempt, right: bool = True, htmx: bool = False, **extra):
    attempt.refresh_from_db()
    slot = attempt.slots.select_related("question").get(position=attempt.position)
    data = {"token": current_token(client, attempt), **answer_data(slot, right), **extra}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("learning:answer", args=[attempt.pk]), data, **headers)


def finish(client, attempt, pattern: str = "1" * 10):
    """Answer every remaining question; '1' right, '0' wrong, by position."""
    attempt.refresh_from_db()
    for position in range(attempt.position, attempt.question_count):
        response = answer(client, attempt, right=pattern[position] == "1")
        assert response.status_code == 303, response.content.decode()[:500]
    attempt.refresh_from_db()
    return attempt


def answer_each_within(client, attempt, queries: int, assert_max_num_queries) -> None:
    """Answer the attempt's ten questions rightly, one by one, each answer POST within
    `queries` queries (`assert_max_num_queries`: pytest-django's fixture)."""
    for position in range(10):
        token = current_token(client, attempt)
        slot = attempt.slots.select_related("question").get(position=position)
        data = {"token": token, **answer_data(slot)}
        with assert_max_num_queries(queries):
            response = client.post(reverse("learning:answer", args=[attempt.pk]), data)
        assert response.status_code == 303


def in_parallel(count: int, work) -> list:
    """Run work(i) in `count` threads released at the same moment; return the results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as error:  # surfaced by the assertions below
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
