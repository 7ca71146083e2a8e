"""The course the site ships, in content/: the one module that reads it. Every other test
runs on the suite's own fixture course, so editing a lesson breaks only these checks —
and these check what any lesson must be, not what it says."""

from pathlib import Path

import pytest
from django.urls import reverse

from courses.exporter import export_content
from courses.importer import import_content
from courses.models import Lesson, Question, Section, Track
from courses.modes import MODES

from .courses.export_helpers import course_state, files_of

CONTENT = Path(__file__).resolve().parent.parent / "content"
LESSON_FOLDERS = sorted(path.parent for path in CONTENT.glob("*/*/lesson.md"))
SECTION_KINDS = set(Section.Kind.values)


@pytest.fixture
def shipped(db):
    """The shipped course imported on top of the fixture course (every snippet is run in the
    sandbox and must print its answer, or the import is refused)."""
    report = import_content(CONTENT)
    slugs = [folder.name for folder in LESSON_FOLDERS]
    return report, {lesson.slug: lesson for lesson in Lesson.objects.filter(slug__in=slugs)}


def test_the_shipped_course_imports_cleanly(shipped):
    report, lessons = shipped
    assert len(lessons) == len(LESSON_FOLDERS) >= 4
    assert report.changed


@pytest.mark.parametrize("folder", LESSON_FOLDERS, ids=lambda folder: folder.name)
def test_every_lesson_has_every_section_kind_and_full_banks(shipped, folder):
    lesson = shipped[1][folder.name]
    assert set(lesson.sections.values_list("kind", flat=True)) == SECTION_KINDS
    bank = Question.objects.test_bank().filter(lesson=lesson)
    by_difficulty = {
        level: bank.filter(difficulty=level).count() for level in ("easy", "medium", "hard")
    }
    assert bank.count() >= 20
    assert (
        by_difficulty["easy"] >= 6 and by_difficulty["medium"] >= 8 and by_difficulty["hard"] >= 6
    )
    assert set(bank.values_list("kind", flat=True)) == set(Question.Kind.values)
    assert Question.objects.practice().filter(lesson=lesson).count() >= 5
    assert Question.objects.challenge().filter(lesson=lesson).count() >= 4
    assert Question.objects.active().filter(lesson=lesson, use="diagram").count() >= 3


@pytest.mark.parametrize("folder", LESSON_FOLDERS, ids=lambda folder: folder.name)
def test_every_page_of_every_lesson_renders(shipped, client, folder):
    lesson = shipped[1][folder.name]
    for mode in MODES:
        if not mode.per_lesson or mode.slug == "test":
            continue
        url = reverse(mode.url_name, args=[lesson.slug])
        response = client.get(url)
        assert response.status_code == 200, url
        assert lesson.title in response.content.decode(), url
    started = client.post(reverse("learning:start", args=[lesson.slug]))
    assert started.status_code == 303
    question_page = client.get(started["Location"])
    assert question_page.status_code == 200
    assert "Question 1 of 10" in question_page.content.decode()


def test_importing_then_exporting_reproduces_the_files_byte_for_byte(shipped, tmp_path):
    slugs = sorted(path.name for path in CONTENT.iterdir() if (path / "track.yaml").is_file())
    before = course_state(slugs)
    export_content(tmp_path, tracks=Track.objects.filter(slug__in=slugs))
    shipped_files = {
        name: data for name, data in files_of(CONTENT).items() if name.split("/")[0] in slugs
    }
    exported = files_of(tmp_path)
    assert sorted(exported) == sorted(shipped_files)
    for name, data in shipped_files.items():
        assert exported[name] == data, f"content/{name} is not as export_content writes it"
    # And the files import to the very same database: nothing to change, nothing changed.
    assert not import_content(tmp_path).changed
    assert course_state(slugs) == before
