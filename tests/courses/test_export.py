"""export_content: the database written back as content files, in a form that imports to

the same database and exports again to the same bytes (a fixed point)."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from courses.exporter import export_content, scalar
from courses.importer import import_content
from courses.models import Option, Question, Section, SectionItem, Track
from tests.factories import make_bank, make_lesson, make_question, make_section, make_track

from .export_helpers import course_state, files_of


def export_import_export(tmp_path, slugs) -> tuple[dict, dict, object]:
    """Export the tracks, import the files, export again: (first files, second files, report)."""
    tracks = Track.objects.filter(slug__in=slugs)
    export_content(tmp_path / "first", tracks=tracks)
    report = import_content(tmp_path / "first")
    export_content(tmp_path / "second", tracks=Track.objects.filter(slug__in=slugs))
    return files_of(tmp_path / "first"), files_of(tmp_path / "second"), report


def test_the_fixture_course_is_a_fixed_point(course, tmp_path):
    slugs = ["fixture-track"]
    before = course_state(slugs)
    first, second, report = export_import_export(tmp_path, slugs)
    assert not report.changed, report.lines
    assert course_state(slugs) == before
    assert first == second
    assert set(first) == {
        "fixture-track/track.yaml",
        *(f"fixture-track/{slug}/{name}" for slug in course
          for name in ("lesson.md", "sections.yaml", "questions.yaml")),
    }  # fmt: skip


AWKWARD = [
    "true",
    "123",
    "null",
    "- looks like a list",
    "key: value",
    "a # comment?",
    "'single' and \"double\"",
    "ends with a colon:",
    "√ ± → unicode",
    "tab\there",
    "two lines\nno final newline",
    "trailing spaces  \nkept\n",
    "three final newlines\n\n\n",
    " a leading space\nsecond line\n",
    "a bell \x07 character",
    "<script>alert(1)</script> & {braces} [brackets] *stars*",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_every_scalar_reads_back_as_the_same_text(text):
    assert yaml.safe_load("value:" + scalar(text, 0) + "\n") == {"value": text}


@pytest.fixture
def authored(db):
    """A course made in the admin's terms (factories), with awkward text everywhere."""
    track = make_track(slug="authored-track", description="")
    lesson = make_lesson(track, slug="authored-lesson", summary="", introduction="Intro: *yes*.")
    concept = make_section(lesson, key="idea", order=0, body="true", takeaway="- not a list")
    confusion = make_section(
        lesson, Section.Kind.CONFUSION, key="myth", order=1, heading="I thought: 'always'"
    )
    analogy = make_section(lesson, Section.Kind.ANALOGY, key="story", order=2)
    SectionItem.objects.create(section=analogy, label="Idea", text="√ the idea", link="idea")
    make_section(lesson, Section.Kind.DIAGRAM, key="boxes", order=3, items=2)
    make_bank(lesson)
    practice = make_question(
        lesson,
        use=Question.Use.PRACTICE,
        key="awkward",
        prompt=AWKWARD[11] + "# not a heading\n",
        hint="null",
        quick_check="123",
        solution="Because the text says so.",  # not a numbered list
        mistakes="- First\n  continued\n- Second: with a colon",
    )
    Option.objects.filter(question=practice, is_correct=False).update(confusion=confusion)
    make_question(lesson, Question.Kind.TRUE_FALSE, use=Question.Use.CHALLENGE, seconds=90)
    code = make_question(
        lesson,
        Question.Kind.CODE_OUTPUT,
        use=Question.Use.PRACTICE,
        code='text = "a: b"\n\n\nprint(text)\n',
        expected_output="a: b\n",
    )
    make_question(lesson, key="retired", is_active=False)
    return {"lesson": lesson, "concept": concept, "practice": practice, "code": code}


def test_a_course_authored_in_the_admin_is_a_fixed_point(authored, tmp_path):
    first, second, _ = export_import_export(tmp_path, ["authored-track"])
    assert first == second
    state = course_state(["authored-track"])
    export_content(tmp_path / "third", tracks=Track.objects.filter(slug="authored-track"))
    assert files_of(tmp_path / "third") == first
    assert not import_content(tmp_path / "third").changed
    assert course_state(["authored-track"]) == state


def comparable(state: dict) -> dict:
    """The state without what the file format does not carry: each question's `order`
    (column 5; the importer numbers questions by their place in the file, where factories
    leave them all at 0) and the feedback of true/false options (questions.yaml gives a
    true/false question only `answer` and `confusion`)."""
    true_false = {row[1] for row in state["questions"] if row[3] == "true_false"}
    options = [
        row[:5] + ("",) + row[6:] if row[1] in true_false else row for row in state["options"]
    ]
    questions = [row[:5] + row[6:] for row in state["questions"]]
    return {**state, "questions": questions, "options": options}


def test_the_export_keeps_every_authored_field(authored, tmp_path):
    before = comparable(course_state(["authored-track"]))
    export_import_export(tmp_path, ["authored-track"])
    after = comparable(course_state(["authored-track"]))
    # The one thing the file format normalises: a solution that is not a numbered list
    # becomes one numbered step.
    authored["practice"].refresh_from_db()
    assert authored["practice"].solution == "1. Because the text says so."
    assert authored["practice"].mistakes == "- First\n  continued\n- Second: with a colon"
    solution = 9  # the solution column, once `order` is dropped
    for old, new in zip(before["questions"], after["questions"], strict=True):
        if old[1] == "awkward":
            old, new = old[:solution] + old[solution + 1 :], new[:solution] + new[solution + 1 :]
        assert old == new
    for name in ("tracks", "lessons", "sections", "items", "options"):
        assert before[name] == after[name], name


def test_retired_questions_are_left_out(authored, tmp_path):
    export_content(tmp_path, tracks=Track.objects.filter(slug="authored-track"))
    text = (tmp_path / "authored-track" / "authored-lesson" / "questions.yaml").read_text()
    assert "key: awkward" in text
    assert "key: retired" not in text


def test_the_command_writes_the_content_folder(course, tmp_path):
    call_command("export_content", str(tmp_path), stdout=io.StringIO())
    assert (tmp_path / "fixture-track" / "fixture-readiness" / "lesson.md").is_file()


def test_the_command_names_a_file_that_would_not_import(db, tmp_path):
    lesson = make_lesson(make_track(slug="small-track"), slug="small-lesson", sections=1)
    make_bank(lesson, easy=1, medium=1, hard=1)  # a test draws ten
    with pytest.raises(CommandError) as error:
        call_command("export_content", str(tmp_path), stdout=io.StringIO())
    assert "would not import" in str(error.value)
    assert "small-lesson/questions.yaml:1: the test bank has 3 questions" in str(error.value)
