"""What an author sees: minutes computed from the text, the item lint as a command (on files
and on the database) and as warnings when the admin saves."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from courses.content_files import read_tree
from courses.minutes import QuestionText, SectionText, compute_minutes, minutes_from_files
from courses.test_plan import fresh_tests
from tests.conftest import COURSE

ROOT = Path(__file__).resolve().parents[2]


def words(n: int) -> str:
    return " ".join(["word"] * n)


def code_block(lines: int) -> str:
    return "```python\n" + "\n".join(f"x = {n}" for n in range(lines)) + "\n```"


def test_minutes_are_computed_from_a_designed_lesson():
    sections = [
        SectionText("concept", f"{words(400)}\n\n{code_block(12)}"),  # 120 s + 12 lines × 5 s
        SectionText("deep_dive", words(1000)),  # 300 s
        SectionText("fact", words(20)),  # 6 s + 15 s a card
        SectionText("fact", words(20)),
        SectionText("analogy", words(100), items=3),  # 30 s + 3 pairs × 10 s
    ]
    questions = [
        QuestionText("practice", words(20)),  # 6 s + 60 s
        QuestionText("practice", words(20)),
        QuestionText("challenge", words(50), seconds=90),  # its time limit only
        QuestionText("challenge", words(50)),  # 120 s when it has none
        *[QuestionText("test", "") for _ in range(12)],  # 45 s each, ten asked
        QuestionText("test", "", code="print(1)\nprint(2)"),  # 10 s of code + 45 s
    ]
    minutes = compute_minutes(words(200), sections, questions)  # introduction: 60 s
    assert minutes == {
        # introduction 60 + concept 120 + 60 + facts 2 × 6 + analogy text 30 = 282 s
        "explanation": 5,
        "deep-dive": 5,
        "flashcards": 1,  # 2 × (6 + 15) = 42 s
        "analogy": 1,  # 30 + 30 = 60 s
        "practice": 3,  # 132 s
        "challenge": 4,  # 210 s
        "test": 8,  # (12 × 45 + 55) / 13 × 10 = 458 s
    }
    assert "visualize" not in minutes and "why-it-matters" not in minutes


def test_prose_and_code_are_read_at_their_own_rates():
    prose = compute_minutes(words(600), [], [])
    code = compute_minutes(code_block(36), [], [])
    assert prose == {"explanation": 3} and code == {"explanation": 3}  # 180 s each


def test_the_importer_stores_computed_minutes_not_typed_ones(course):
    lesson = course["fixture-readiness"]
    files = next(les for t in read_tree(COURSE) for les in t.lessons if les.slug == lesson.slug)
    assert lesson.minutes == minutes_from_files(files)
    assert lesson.minutes == lesson.__class__.objects.get(pk=lesson.pk).minutes
    from courses.minutes import minutes_of_lesson

    assert minutes_of_lesson(lesson) == lesson.minutes  # files and rows agree


def test_retakes_before_a_repeat_follow_the_draw():
    assert fresh_tests({"easy": 3, "medium": 4, "hard": 3}) == 1
    assert fresh_tests({"easy": 9, "medium": 8, "hard": 7}) == 2
    assert fresh_tests({"easy": 9, "medium": 3, "hard": 9}) == 0


# --- lint_content -------------------------------------------------------------------------


def leaky_course(tmp_path: Path) -> Path:
    """A one-lesson course whose practice question's hint quotes its correct answer."""
    lesson = tmp_path / "a-track" / "a-lesson"
    lesson.mkdir(parents=True)
    (tmp_path / "a-track" / "track.yaml").write_text("title: A track\n")
    (lesson / "lesson.md").write_text("---\ntitle: T\nlevel: ml\n---\nIntro.\n")
    (lesson / "sections.yaml").write_text(
        "- kind: concept\n  key: c\n  heading: C\n  body: Body.\n  takeaway: T.\n"
    )
    (lesson / "questions.yaml").write_text(
        "- key: leaky\n  use: practice\n  kind: single\n  difficulty: easy\n"
        "  prompt: Which step clears a stuck worker?\n"
        "  options:\n"
        "    - {text: Restart the worker process, correct: true}\n"
        "    - {text: Raise the timeout, why: It waits longer for the same stuck state.}\n"
        "  solution: [S]\n  hint: Try to restart the worker process.\n  quick_check: Q\n"
        "  mistakes: [M]\n"
    )
    return tmp_path


def lint(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("lint_content", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def test_lint_content_lists_each_error_and_fails(tmp_path):
    output, code = lint(str(leaky_course(tmp_path)))
    assert code == 1
    assert "error: a-lesson/leaky [hint-reveals-answer] The hint contains" in output
    assert "1 error(s)" in output


def test_lint_content_passes_a_course_with_warnings_only(db):
    output, code = lint(str(COURSE))
    assert code == 0
    assert "warning: fixture-monitoring/test-read-p95 [duplicate-stem-across-lessons]" in output
    assert "Item lint passed" in output and "0 error(s), 2 warning(s)" in output


def test_lint_content_without_a_path_lints_the_database(course):
    output, code = lint()
    assert code == 0 and "the database: 0 error(s), 2 warning(s)" in output


def test_lint_content_refuses_a_malformed_folder(tmp_path):
    output, code = lint(str(tmp_path))
    assert code == 1 and "no track folders" in output and "Nothing was linted." in output


def test_lint_content_exits_non_zero_as_a_process(tmp_path):
    run = [sys.executable, "manage.py", "lint_content"]
    failing = subprocess.run([*run, str(leaky_course(tmp_path))], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)  # fmt: skip
    assert failing.returncode == 1, failing.stderr
    assert "[hint-reveals-answer]" in failing.stdout
    passing = subprocess.run([*run, str(COURSE)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
    assert passing.returncode == 0, passing.stderr


# --- In the admin ---------------------------------------------------------------------------


@pytest.fixture
def instructor(db):
    user = User.objects.create_user("ines", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructor"))
    client = Client()
    client.force_login(user)
    return client


def test_saving_a_question_warns_with_its_lint_findings(instructor, course):
    question = course["fixture-readiness"].questions.filter(kind="single").first()
    correct = question.options.get(is_correct=True)
    data = {
        "lesson": question.lesson_id, "key": question.key, "use": question.use,
        "kind": question.kind, "difficulty": question.difficulty, "order": question.order,
        "is_active": "on", "prompt": question.prompt, "code": question.code,
        "expected_output": question.expected_output, "solution": question.solution,
        "hint": f"Remember: {correct.text}", "quick_check": question.quick_check,
        "mistakes": question.mistakes, "seconds": question.seconds or "",
        "options-TOTAL_FORMS": question.options.count(),
        "options-INITIAL_FORMS": question.options.count(),
    }  # fmt: skip
    for n, option in enumerate(question.options.all()):
        data |= {f"options-{n}-id": option.pk, f"options-{n}-question": question.pk,
                 f"options-{n}-order": option.order, f"options-{n}-text": option.text,
                 f"options-{n}-explanation": option.explanation}  # fmt: skip
        if option.is_correct:
            data[f"options-{n}-is_correct"] = "on"
    url = reverse("admin:courses_question_change", args=[question.pk])
    response = instructor.post(url, data, follow=True)
    html = response.content.decode()
    assert "Item lint: error: fixture-readiness/" in html and "[hint-reveals-answer]" in html
    panel = instructor.get(reverse("admin:courses_lesson_change", args=[question.lesson_id]))
    assert "hint-reveals-answer" in panel.content.decode()
    assert "Publishing is refused until these are fixed" in panel.content.decode()


def test_saving_a_section_recomputes_the_minutes(instructor, course):
    lesson = course["fixture-readiness"]
    section = lesson.sections.get(kind="deep_dive", order=lesson.sections.filter(
        kind="deep_dive").order_by("order").first().order)  # fmt: skip
    before = lesson.minutes["deep-dive"]
    response = instructor.post(
        reverse("admin:courses_section_change", args=[section.pk]),
        {
            "lesson": lesson.pk, "order": section.order, "kind": section.kind,
            "key": section.key, "heading": section.heading, "body": words(2000),
            "takeaway": section.takeaway, "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.minutes["deep-dive"] >= before + 9  # 2,000 words: ten minutes more or so
