"""import_questions / export_questions and their admin pages: GIFT and Aiken files into a
lesson's questions, all or nothing, checked with the site's rules; hostile text stays inert."""

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import Option, Question, Section
from courses.question_interchange import PLACEHOLDERS, WHY_PLACEHOLDER, export_questions
from tests.factories import make_bank, make_lesson, make_question, make_section
from tests.quizzes.helpers import answer, start

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "interchange"


def run_import(name_or_path, lesson, *extra) -> tuple[str, str]:
    path = name_or_path if isinstance(name_or_path, Path) else FIXTURES / name_or_path
    fmt = "gift" if path.suffix == ".gift" else "aiken"
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_questions", str(path), "--format", fmt, "--lesson", lesson.slug, *extra,
        stdout=out, stderr=err,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


def refused(name_or_path, lesson, *extra) -> str:
    before = (Question.objects.count(), Option.objects.count())
    with pytest.raises(CommandError) as error:
        run_import(name_or_path, lesson, *extra)
    assert (Question.objects.count(), Option.objects.count()) == before, "half imported"
    assert "Nothing was imported." in str(error.value)
    return str(error.value)


@pytest.fixture
def lesson(db):
    return make_lesson(slug="files-lesson")


# --- import_questions ----------------------------------------------------------------------


def test_a_file_with_only_kinds_the_site_has_imports_with_placeholders(lesson):
    out, err = run_import("questions.txt", lesson, "--use", "practice", "--difficulty", "easy")
    questions = list(lesson.questions.order_by("order"))
    assert "2 created" in out
    assert [q.kind for q in questions] == ["single", "single"]
    assert {(q.use, q.difficulty) for q in questions} == {("practice", "easy")}
    first = questions[0]
    assert first.prompt == "What does a p95 latency of 800 ms mean?"
    assert [(o.text, o.is_correct) for o in first.options.all()] == [
        ("The average request takes 800 ms", False),
        ("95 % of requests take at most 800 ms", True),
        ("No request takes more than 800 ms", False),
    ]
    assert first.options.get(is_correct=False, order=0).explanation == WHY_PLACEHOLDER
    assert (first.hint, first.quick_check, first.mistakes, first.solution) == (
        PLACEHOLDERS["hint"], PLACEHOLDERS["quick_check"], PLACEHOLDERS["mistakes"],
        PLACEHOLDERS["solution"],
    )  # fmt: skip
    # One warning per question for the fields, and one per wrong option, each with its line.
    assert "questions.txt:1: question 'what-does-a-p95-latency-of-800-ms'" in err
    assert err.count("placeholders were filled in") == 2


def test_general_feedback_becomes_the_solution(lesson, tmp_path):
    path = tmp_path / "one.gift"
    path.write_text("::q::Pick one.{=right ~wrong#Not this.####[markdown]1. Because.\\n2. So.}\n")
    _, err = run_import(path, lesson)
    question = lesson.questions.get(key="q")
    assert question.solution == "1. Because.\n2. So."
    assert "no hint, quick_check, mistakes:" in err


def test_skipped_kinds_are_warnings_and_strict_refuses_the_file(lesson):
    message = refused("skipped.gift", lesson, "--strict")
    for line in (3, 5, 7, 9, 11, 13, 15, 17, 19):
        assert f"skipped.gift:{line}: skipped:" in message
    out, err = run_import("skipped.gift", lesson)
    assert "1 created" in out
    assert "skipped.gift:5: skipped: a matching question" in err


@pytest.mark.parametrize(
    "name, where",
    [
        ("unclosed_brace.gift", "unclosed_brace.gift:"),
        ("bad_weight.gift", "bad_weight.gift:3: the weight '%half%' is not a number"),
        ("unclosed_name.gift", "unclosed_name.gift:"),
        ("aiken_errors.txt", "aiken_errors.txt:"),
    ],
)
def test_malformed_files_are_refused_with_file_and_line(lesson, name, where):
    assert where in refused(name, lesson)


def test_the_site_s_own_checks_refuse_the_whole_file(lesson):
    # features.gift is well-formed GIFT, but one question has two options that read "x"
    # (an item-lint error): none of its 14 questions is imported.
    message = refused("features.gift", lesson)
    assert "features.gift:41: question 'md': 2 options read “x”. [duplicate-options]" in message


def test_a_code_output_answer_is_checked_in_the_sandbox(lesson, tmp_path):
    path = tmp_path / "code.gift"
    path.write_text("::sum::[markdown]What prints?\\n\\n```python\\nprint(1 + 1)\\n```{=3}\n")
    assert "code.gift:1: question 'sum': The code prints '2\\n'" in refused(path, lesson)
    path.write_text("::sum::[markdown]What prints?\\n\\n```python\\nprint(1 + 1)\\n```{=2}\n")
    run_import(path, lesson)
    question = lesson.questions.get(key="sum")
    assert (question.kind, question.code, question.expected_output) == (
        "code_output", "print(1 + 1)", "2",
    )  # fmt: skip


def test_an_unknown_lesson_or_file_is_a_clear_error(lesson):
    with pytest.raises(CommandError, match="No lesson with the slug 'nope'"):
        call_command("import_questions", "x.gift", "--format", "gift", "--lesson", "nope")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_questions", "/nonexistent.gift", "--format", "gift",
                     "--lesson", lesson.slug)  # fmt: skip


# --- Round trip DB → GIFT → DB ------------------------------------------------------------


def authored_questions(lesson):
    confusion = make_section(lesson, Section.Kind.CONFUSION, key="myth")
    questions = [
        make_question(lesson, Question.Kind.SINGLE, key="one", prompt="Which *one*? {a} = #b"),
        make_question(lesson, Question.Kind.MULTIPLE, key="many", prompt="Pick: all ~ that -> apply"),
        make_question(lesson, Question.Kind.TRUE_FALSE, key="truth", prompt="True: `a == b`?"),
        make_question(
            lesson, Question.Kind.CODE_OUTPUT, key="prints", prompt="What prints?",
            code='print("a -> b", {1: 2})', expected_output="a -> b {1: 2}",
        ),
        make_question(lesson, key="with-code", prompt="Read this:", code="x = 1\nprint(x)"),
    ]  # fmt: skip
    Option.objects.filter(question__lesson=lesson, is_correct=False).update(confusion=confusion)
    return questions


def question_shape(question):
    return (
        question.kind, question.prompt.strip(), question.code.strip(),
        question.expected_output.strip(), question.solution,
        [(o.text, o.is_correct, o.explanation) for o in question.options.all()],
    )  # fmt: skip


def test_every_kind_round_trips_through_gift(db, tmp_path):
    source = make_lesson(slug="source-lesson")
    authored_questions(source)
    out = tmp_path / "export.gift"
    call_command("export_questions", str(out), "--format", "gift", "--lesson", source.slug)
    target = make_lesson(slug="target-lesson")
    run_import(out, target)
    for question in source.questions.all():
        copy = target.questions.get(key=question.key)
        assert question_shape(copy) == question_shape(question), question.key
    # Importing the export into its own lesson updates in place and keeps what GIFT does not
    # carry (hint, quick check, mistakes, use, difficulty, confusions).
    before = {
        q.key: (question_shape(q), q.hint, q.use, q.difficulty) for q in source.questions.all()
    }
    confusions = list(source.questions.values_list("options__confusion", flat=True))
    output, _ = run_import(out, source)
    assert "0 created, 5 updated" in output
    after = {
        q.key: (question_shape(q), q.hint, q.use, q.difficulty) for q in source.questions.all()
    }
    assert after == before
    assert list(source.questions.values_list("options__confusion", flat=True)) == confusions


def test_export_writes_to_standard_output_and_aiken_lists_what_it_leaves_out(db):
    lesson = make_lesson(slug="export-lesson")
    authored_questions(lesson)
    out, err = io.StringIO(), io.StringIO()
    call_command("export_questions", "--format", "gift", "--lesson", lesson.slug, stdout=out)
    assert out.getvalue() == export_questions(lesson, "gift")[0]
    assert (
        '::prints::[markdown]What prints?\\n\\n```python\\nprint("a -> b", \\{1\\: 2\\})'
        in out.getvalue()
    )
    out = io.StringIO()
    call_command("export_questions", "--format", "aiken", "--lesson", lesson.slug,
                 stdout=out, stderr=err)  # fmt: skip
    assert out.getvalue().count("ANSWER:") == 2  # the two single-choice questions
    assert err.getvalue().count("left out:") == 3


# --- Hostile text stays inert -------------------------------------------------------------


# The admin's own htmx endpoints (live preview, run the snippet) are the site's markup.
SITE_HTMX_ENDPOINTS = ("/markdown-preview/", "/run-snippet/")


class LiveScript(HTMLParser):
    """Collects what a browser would run: inline <script> elements, on* handlers,
    javascript: URLs and htmx attributes outside the site's own markup."""

    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/"):  # the site's own files only
                self.found.append(("script", attrs))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((tag, name))
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append((tag, name))
            if (
                name.startswith("hx-")
                and "/admin/" in (value or "")
                and not (value or "").endswith(SITE_HTMX_ENDPOINTS)
            ):
                self.found.append((tag, name))


def live_script(html: str) -> list:
    parser = LiveScript()
    parser.feed(html)
    return parser.found


def test_hostile_markup_in_an_imported_question_stays_inert(lesson, client, admin_client):
    run_import("hostile.gift", lesson, "--use", "practice")
    question = lesson.questions.get(key="script")
    practice = reverse("learning:practice", args=[lesson.slug])
    pages = {
        "practice 1": client.get(practice, {"q": 1}),
        "practice 2": client.get(practice, {"q": 2}),
        "admin question": admin_client.get(
            reverse("admin:courses_question_change", args=[question.pk])
        ),
        "admin lesson": admin_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert live_script(html) == [], name
        assert "alert(1)</script>" not in html and "alert(6)</script>" not in html, name
    # The pages do show the hostile questions (so the checks above looked at them).
    assert "Click" in pages["practice 1"].content.decode()
    assert "&amp; friends" in pages["practice 2"].content.decode()


def test_hostile_markup_stays_inert_on_the_learner_s_question_page(lesson, client):
    make_bank(lesson, easy=3, medium=3, hard=2)
    run_import("hostile.gift", lesson, "--use", "test")  # the bank is now exactly ten
    attempt = start(client, lesson)
    seen = set()
    for _ in range(attempt.question_count):
        html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
        assert live_script(html) == []
        seen |= {word for word in ("Click", "&amp; friends") if word in html}
        answer(client, attempt, right=False)  # the review shows the feedback too
        html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
        assert live_script(html) == []
    assert seen == {"Click", "&amp; friends"}


def test_the_inertness_check_finds_live_script():
    hostile = (
        '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:x">a</a>'
        '<div hx-get="/admin/">d</div><script src="https://evil.example/x.js"></script>'
    )
    assert len(live_script(hostile)) == 5
    assert live_script('<script src="/static/site.js" nonce="n"></script>') == []


# --- The admin ----------------------------------------------------------------------------


@pytest.fixture
def question_adder(db, client):
    user = User.objects.create_user("adder", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_question"))
    client.force_login(user)
    return client


def upload(client, lesson, name, **fields):
    data = (FIXTURES / name).read_bytes()
    form = {"file": SimpleUploadedFile(name, data), "format": "gift", **fields}
    return client.post(
        reverse("admin:courses_lesson_import_questions", args=[lesson.pk]), form, follow=True
    )


def test_staff_who_may_add_questions_can_upload_a_file(question_adder, lesson):
    response = upload(question_adder, lesson, "hostile.gift", use="practice")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Imported hostile.gift: 2 created" in text
    assert "Warning: hostile.gift:3: question &#x27;script&#x27;" in text  # with the line
    assert set(lesson.questions.values_list("use", flat=True)) == {"practice"}


def test_a_bad_upload_shows_every_problem_and_writes_nothing(question_adder, lesson):
    response = upload(question_adder, lesson, "skipped.gift", strict="on")
    text = response.content.decode()
    assert "Nothing was imported." in text
    assert "Refused: skipped.gift:3: skipped: a short-answer question" in text
    assert "skipped.gift:19: skipped:" in text
    assert not lesson.questions.exists()


def test_staff_without_the_permission_cannot_upload(db, client, lesson):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    response = upload(client, lesson, "questions.txt")
    assert response.status_code == 403
    assert not lesson.questions.exists()


def test_the_lesson_page_links_to_upload_and_download(admin_client, lesson):
    authored_questions(lesson)
    page = admin_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    import_url = reverse("admin:courses_lesson_import_questions", args=[lesson.pk])
    gift_url = reverse("admin:courses_lesson_export_questions", args=[lesson.pk, "gift"])
    assert import_url in page.content.decode() and gift_url in page.content.decode()
    download = admin_client.get(gift_url)
    assert download["Content-Disposition"] == 'attachment; filename="files-lesson.gift"'
    assert download.content.decode() == export_questions(lesson, "gift")[0]
    assert admin_client.get(gift_url.replace("gift", "qti")).status_code == 404
