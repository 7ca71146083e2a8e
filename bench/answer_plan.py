"""Run by bench/answers.py in a child process with the benchmark's environment, so with the
same settings, database and SECRET_KEY as gunicorn: reads a JSON list of attempt ids on
stdin and prints, as JSON, each attempt's positions in order, each with its answer token
(signed as the question page signs it) and a right and a wrong answer.

Output: {"<attempt id>": [[token, right, wrong], ...]}, where right and wrong are form
fields such as {"choice": 12}, {"choices": [3, 4]} or {"answer": "42"}.
"""

import json
import sys

import django

WRONG_OUTPUT = "(benchmark: a wrong answer)"


def answers(question) -> tuple[dict, dict]:
    """A right and a wrong answer to the question, as form fields."""
    if question.kind == "code_output":
        return {"answer": question.expected_output}, {"answer": WRONG_OUTPUT}
    right = [option.pk for option in question.options.all() if option.is_correct]
    wrong = [option.pk for option in question.options.all() if not option.is_correct]
    if question.kind == "multiple":
        return {"choices": right}, {"choices": wrong[:1] or right}
    return {"choice": right[0]}, {"choice": (wrong or right)[0]}


def main() -> None:
    django.setup()
    from quizzes.forms import answer_token
    from quizzes.models import AttemptQuestion

    attempt_ids = [int(value) for value in json.load(sys.stdin)]
    slots = (
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
        .select_related("question")
        .prefetch_related("question__options")
        .order_by("attempt_id", "position")
    )
    plan: dict[str, list] = {}
    for slot in slots:
        right, wrong = answers(slot.question)
        token = answer_token(slot.attempt_id, slot.position)
        plan.setdefault(str(slot.attempt_id), []).append([token, right, wrong])
    print(json.dumps(plan))


if __name__ == "__main__":
    main()
