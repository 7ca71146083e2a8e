"""Every path that changes content retires what is cached from it: the admin, the
importer, a shell (plain `save()` and `delete()`), and a data migration (`migrate`)."""

import pytest
from django.core.management import call_command

from courses import content_cache
from courses.models import Option, Question
from quizzes.question_cache import cached_question
from tests.factories import make_lesson, make_question


@pytest.fixture
def question(db):
    question = make_question(make_lesson(), prompt="The old prompt?")
    cached_question(question.pk)  # now cached under the current version
    return question


def _fresh(question) -> Question:
    return cached_question(question.pk)


def test_a_save_from_a_shell_retires_the_cached_question(question):
    before = content_cache.content_version()
    question.prompt = "The new prompt?"
    question.save()
    assert content_cache.content_version() != before
    assert "The new prompt?" in _fresh(question).prompt_html


def test_a_delete_retires_the_cached_question(question):
    option = question.options.filter(is_correct=False).first()
    option.delete()
    assert option.pk not in [each.pk for each in _fresh(question).option_list]


def test_flipping_an_answer_key_is_seen_at_once(question):
    wrong = question.options.filter(is_correct=False).first()
    Option.objects.filter(question=question).update(is_correct=False)  # bulk: no signal…
    wrong.is_correct = True
    wrong.save()  # …but the save that completes the change bumps the version
    assert [o.pk for o in _fresh(question).option_list if o.is_correct] == [wrong.pk]


def test_a_migration_retires_everything_cached(question):
    # A data migration works on historical models: no save() of ours, no signal we know.
    Question.objects.filter(pk=question.pk).update(
        prompt_html="<p>Changed by a data migration?</p>"
    )
    assert "data migration" not in _fresh(question).prompt_html  # still the cached copy
    call_command("migrate", verbosity=0)  # emits post_migrate, as every migrate run does
    assert "Changed by a data migration?" in _fresh(question).prompt_html


def test_an_admin_edit_retires_the_cached_question(question, admin_client):
    data = {
        "lesson": question.lesson_id, "key": question.key, "use": question.use,
        "kind": question.kind, "difficulty": question.difficulty, "order": 0,
        "is_active": "on", "prompt": "Edited in the admin?", "code": "",
        "expected_output": "", "solution": "Steps.", "hint": "A hint.",
        "quick_check": "A check.", "mistakes": "- One.",
        "options-TOTAL_FORMS": 0, "options-INITIAL_FORMS": 0,
    }  # fmt: skip
    options = list(question.options.all())
    data["options-TOTAL_FORMS"] = data["options-INITIAL_FORMS"] = len(options)
    for n, option in enumerate(options):
        data |= {f"options-{n}-id": option.pk, f"options-{n}-question": question.pk,
                 f"options-{n}-order": n, f"options-{n}-text": option.text,
                 f"options-{n}-is_correct": "on" if option.is_correct else "",
                 f"options-{n}-explanation": option.explanation}  # fmt: skip
    response = admin_client.post(f"/admin/courses/question/{question.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Edited in the admin?" in _fresh(question).prompt_html
