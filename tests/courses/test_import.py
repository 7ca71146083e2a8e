"""import_content: idempotent, partial, atomic, and strict about malformed or hostile files."""

import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courses.content_files import ContentError
from courses.importer import import_content
from courses.models import Lesson, Option, Question, Section, Track

TRACK = "title: Test track\ndescription: For tests.\norder: 1\n"
LESSON = textwrap.dedent(
    """\
    ---
    title: A small lesson
    level: ml
    order: 1
    summary: One line.
    minutes:
      explanation: 3
    ---
    The introduction.
    """
)
SECTIONS = textwrap.dedent(
    """\
    - kind: concept
      key: idea
      heading: The idea
      body: The body.
      takeaway: The takeaway.
    - kind: confusion
      key: myth
      heading: I thought it was simple.
      body: It is not.
    """
)


def question(key: str, difficulty: str = "easy", use: str = "test") -> str:
    return textwrap.dedent(
        f"""\
        - key: {key}
          use: {use}
          kind: single
          difficulty: {difficulty}
          prompt: Which is right?
          options:
            - text: This one
              correct: true
            - text: That one
              why: Because it is not.
              confusion: myth
          solution: [Look, Choose]
          hint: Look closely.
          quick_check: This one.
          mistakes: [Choosing that one]
        """
    )


def code_question(key: str, code: str, answer: str) -> str:
    return textwrap.dedent(
        f"""\
        - key: {key}
          use: practice
          kind: code_output
          difficulty: medium
          prompt: What does it print?
          code: "{code}"
          answer: "{answer}"
          solution: [Run it in your head]
          hint: Read it.
          quick_check: Yes.
          mistakes: [Guessing]
        """
    )


def write_tree(root: Path, questions: str | None = None, lessons=("small",)) -> Path:
    track = root / "test-track"
    track.mkdir(parents=True, exist_ok=True)
    (track / "track.yaml").write_text(TRACK)
    bank = "".join(question(f"q{i}", ("easy", "medium", "hard")[i % 3]) for i in range(10))
    for slug in lessons:
        lesson = track / slug
        lesson.mkdir(exist_ok=True)
        (lesson / "lesson.md").write_text(LESSON)
        (lesson / "sections.yaml").write_text(SECTIONS)
        (lesson / "questions.yaml").write_text(questions if questions is not None else bank)
    return root


def snapshot():
    """Every row the importer writes, to prove that nothing changed."""
    return (
        list(Track.objects.values()),
        list(Lesson.objects.values()),
        list(Section.objects.values()),
        list(Question.objects.values()),
        list(Option.objects.values()),
    )


@pytest.mark.django_db
def test_import_creates_everything_and_reimport_changes_nothing(tmp_path):
    write_tree(tmp_path)
    report = import_content(tmp_path)
    assert report.counts[("lesson", "created")] == 1
    assert Question.objects.filter(lesson__slug="small").count() == 10
    option = Option.objects.filter(text="That one").first()
    assert option.confusion.key == "myth"
    before = snapshot()

    again = import_content(tmp_path)

    assert not again.changed
    assert snapshot() == before


@pytest.mark.django_db
def test_editing_one_file_updates_only_that_lesson(tmp_path):
    write_tree(tmp_path, lessons=("first", "second"))
    import_content(tmp_path)
    second_before = Lesson.objects.get(slug="second").updated_at
    path = tmp_path / "test-track" / "first" / "sections.yaml"
    path.write_text(path.read_text().replace("The body.", "A better body."))

    report = import_content(tmp_path)

    assert report.counts[("section", "updated")] == 1
    assert "Updated section first/idea" in report.lines
    assert (
        Section.objects.get(lesson__slug="first", key="idea").body_html == "<p>A better body.</p>"
    )
    assert Lesson.objects.get(slug="second").updated_at == second_before


@pytest.mark.django_db
def test_question_identity_survives_an_edit(tmp_path):
    """Learners' answers hang off question and option ids: edits keep them."""
    write_tree(tmp_path)
    import_content(tmp_path)
    question = Question.objects.get(key="q1")
    option_ids = list(question.options.values_list("id", flat=True))
    path = tmp_path / "test-track" / "small" / "questions.yaml"
    path.write_text(path.read_text().replace("Which is right?", "Which one is right?", 1))

    import_content(tmp_path)

    edited = Question.objects.get(key="q0")
    assert edited.prompt == "Which one is right?"
    assert Question.objects.get(key="q1").pk == question.pk
    assert list(Question.objects.get(key="q1").options.values_list("id", flat=True)) == option_ids


@pytest.mark.django_db
def test_a_removed_question_is_retired_not_deleted(tmp_path):
    write_tree(tmp_path, questions="".join(question(f"q{i}") for i in range(11)))
    import_content(tmp_path)
    write_tree(tmp_path, questions="".join(question(f"q{i}") for i in range(10)))

    report = import_content(tmp_path)

    assert report.counts[("question", "retired")] == 1
    retired = Question.objects.get(key="q10")
    assert not retired.is_active
    assert Question.objects.test_bank().filter(key="q10").count() == 0


def assert_refused(tmp_path, filename: str, text: str, line: int | None, message: str):
    """The file is refused with its path, line and reason, and nothing is imported."""
    write_tree(tmp_path)
    (tmp_path / "test-track" / "small" / filename).write_text(text)
    with pytest.raises(ContentError) as caught:
        import_content(tmp_path)
    error = caught.value
    assert error.path.name == filename
    if line is not None:
        assert error.line == line, str(error)
    assert message in error.message, str(error)
    assert not Track.objects.filter(slug="test-track").exists()
    assert not Lesson.objects.filter(slug="small").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "text", "line", "message"),
    [
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: [unclosed\n", 4, "flow sequence on line 3"),
        ("sections.yaml", "- kind: poem\n  key: a\n  heading: A\n  body: B\n", 1, "'kind' must be one of"),
        ("sections.yaml", "- kind: concept\n  key: Not A Key\n  heading: A\n  body: B\n  takeaway: C\n", 2, "lowercase-with-dashes"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: A\n  body: B\n", 1, "'takeaway' is required"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: A\n  body: B\n  takeaway: C\n  colour: red\n", 6, "unknown field 'colour'"),
        ("sections.yaml", "- kind: concept\n  key: a\n  key: b\n", 3, "duplicate key"),
        ("sections.yaml", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\n", 2, "aliases"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: A\n  body: '" + "[" * 10_000 + "'\n  takeaway: C\n", 4, "'body': More than 20"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: A\n  body: B\n  takeaway: '" + "1. " * 150 + "'\n", 5, "nested more than 10 deep"),
        ("lesson.md", "---\ntitle: T\nlevel: ml\n---\n" + "<a " * 5_000 + "\n", 5, "the introduction: More than 20"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: " + "[" * 100_000 + "]" * 100_000 + "\n", 3, "nested deeper than 20 levels"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: " + "{a: " * 100_000 + "}" * 100_000 + "\n", 3, "nested deeper than 20 levels"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading:\n" + "".join("  " * i + "    -\n" for i in range(200)), 22, "nested deeper than 20 levels"),
        ("sections.yaml", "- kind: concept\n  key: a\n  heading: " + "9" * 5000 + "\n", 3, "a number longer than 30 characters"),
        ("lesson.md", "---\ntitle: T\nlevel: ml\norder: " + "1" * 5000 + "\n---\nIntro\n", 4, "a number longer than 30 characters"),
        ("sections.yaml", "- !!python/object/apply:os.system [echo hi]\n", 1, "invalid YAML"),
        ("sections.yaml", "just a string\n", 1, "non-empty list"),
        ("lesson.md", "no front matter here\n", 1, "front matter"),
        ("lesson.md", "---\ntitle: T\nlevel: ml\nminutes:\n  sleeping: 5\n---\nIntro\n", 4, "unknown mode"),
        ("questions.yaml", question("q1").replace("correct: true", "correct: false"), 6, "exactly one correct option"),
        ("questions.yaml", question("q1").replace("confusion: myth", "confusion: nothing"), 11, "no confusion with key"),
        ("questions.yaml", question("q1"), 1, "the test bank has 1 questions"),
        ("questions.yaml", code_question("c1", "print(1 + 1)", "3"), 1, "prints '2\\n', not the expected output"),
        ("questions.yaml", code_question("c1", "print(1)", ""), 7, "'answer' must not be empty"),
        ("questions.yaml", code_question("c1", "import socket; socket.create_connection(('127.0.0.1', 9))", "x"), 1, "The code does not run"),
        ("questions.yaml", code_question("c1", "open('/tmp/pw-x', 'w').write('x')", "x"), 1, "The code does not run"),
        ("questions.yaml", code_question("c1", "while True: pass", "x"), 1, "ran for more than"),
        ("questions.yaml", code_question("c1", "import os; os.open('/tmp/pw-y', os.O_WRONLY | os.O_CREAT)", "x"), 1, "The code does not run"),
    ],
)  # fmt: skip
def test_malformed_or_hostile_files_are_refused_whole(tmp_path, filename, text, line, message):
    assert_refused(tmp_path, filename, text, line, message)


@pytest.mark.django_db
def test_a_huge_file_is_refused(tmp_path):
    assert_refused(tmp_path, "sections.yaml", "# " + "x" * 600_000, None, "larger than")


@pytest.mark.django_db
def test_non_utf8_is_refused(tmp_path):
    write_tree(tmp_path)
    (tmp_path / "test-track" / "small" / "sections.yaml").write_bytes(b"- kind: \xff\xfe\n")
    with pytest.raises(ContentError, match="not UTF-8"):
        import_content(tmp_path)


@pytest.mark.django_db
def test_a_bad_lesson_leaves_earlier_lessons_untouched(tmp_path):
    """One transaction: a broken second lesson rolls back the first one's changes too."""
    write_tree(tmp_path, lessons=("first", "second"))
    import_content(tmp_path)
    before = snapshot()
    first = tmp_path / "test-track" / "first" / "sections.yaml"
    first.write_text(first.read_text().replace("The body.", "Changed body."))
    (tmp_path / "test-track" / "second" / "sections.yaml").write_text("- kind: nope\n")

    with pytest.raises(ContentError):
        import_content(tmp_path)

    assert snapshot() == before


@pytest.mark.django_db
def test_hostile_markdown_in_content_is_sanitised(tmp_path):
    write_tree(tmp_path)
    sections = tmp_path / "test-track" / "small" / "sections.yaml"
    sections.write_text(
        sections.read_text().replace(
            "body: The body.",
            'body: \'<script>alert(1)</script><a href="javascript:alert(1)" hx-get="/x">x</a>\'',
        )
    )
    import_content(tmp_path)
    html = Section.objects.get(key="idea").body_html
    assert "<script" not in html and "javascript:" not in html and "hx-get" not in html


@pytest.mark.django_db
def test_command_prints_what_it_did_and_reports_errors(tmp_path, capsys):
    write_tree(tmp_path)
    call_command("import_content", str(tmp_path))
    out = capsys.readouterr().out
    assert "Created lesson small" in out
    assert "lessons: 1 created" in out

    (tmp_path / "test-track" / "small" / "sections.yaml").write_text("- kind: nope\n")
    with pytest.raises(CommandError, match=r"(?s)sections.yaml:1: .*Nothing was imported"):
        call_command("import_content", str(tmp_path))


@pytest.mark.django_db
def test_importing_one_lesson_folder(tmp_path):
    write_tree(tmp_path, lessons=("first", "second"))
    import_content(tmp_path / "test-track" / "second")
    imported = Lesson.objects.filter(track__slug="test-track").values_list("slug", flat=True)
    assert list(imported) == ["second"]


@pytest.mark.django_db
def test_each_lesson_whose_parts_changed_is_reported_updated(tmp_path):
    write_tree(tmp_path, lessons=("first", "second"))
    import_content(tmp_path)
    for slug in ("first", "second"):
        path = tmp_path / "test-track" / slug / "sections.yaml"
        path.write_text(path.read_text().replace("The body.", f"New body of {slug}."))

    report = import_content(tmp_path)

    assert report.counts[("lesson", "updated")] == 2
    assert {"Updated lesson first", "Updated lesson second"} <= set(report.lines)


@pytest.mark.django_db
def test_a_reimport_retires_the_cached_pages_and_questions(tmp_path, client, settings):
    from quizzes.question_cache import cached_question

    settings.DEBUG = False  # the lesson body and anonymous pages are cached as in production
    write_tree(tmp_path)
    import_content(tmp_path)
    lesson = Lesson.objects.get(slug="small")
    first = Question.objects.get(lesson=lesson, key="q0")
    cached_question(first.pk)
    assert "The body." in client.get(lesson.get_absolute_url()).content.decode()
    sections = tmp_path / "test-track" / "small" / "sections.yaml"
    sections.write_text(sections.read_text().replace("The body.", "A rewritten body."))
    questions = tmp_path / "test-track" / "small" / "questions.yaml"
    questions.write_text(
        questions.read_text().replace("Which is right?", "A reworded question?", 1)
    )

    import_content(tmp_path)

    assert "A rewritten body." in client.get(lesson.get_absolute_url()).content.decode()
    assert "A reworded question?" in cached_question(first.pk).prompt_html
