"""Drafts and publishing: a draft is invisible to learners on every page, staff preview it
with a banner, publishing is refused while checks fail, and unpublishing keeps history."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.content_files import ContentError, read_lesson
from courses.models import Lesson, Question
from progress.models import LessonProgress, ReviewCard
from quizzes.models import TestAttempt
from tests.factories import make_lesson, make_question, make_section
from tests.quizzes.helpers import finish

SLUG = "fixture-readiness"
BANNER = "Preview as a learner."

GET_PAGES = ["lesson", "deep-dive", "why-it-matters", "visualize", "analogy", "flashcards",
             "practice", "challenge"]  # fmt: skip
POST_PAGES = [("start", {}), ("rate-flashcard", {"card": "x", "rating": "good"}),
              ("challenge", {"action": "start_run"})]  # fmt: skip


def to_draft(lesson: Lesson) -> Lesson:
    lesson.status = Lesson.Status.DRAFT
    lesson.save()
    return lesson


@pytest.fixture
def draft(course):
    return to_draft(course[SLUG])


def instructor_client() -> Client:
    user = User.objects.create_user("ines", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructor"))
    client = Client()
    client.force_login(user)
    return client


def previewing(lesson: Lesson) -> Client:
    client = instructor_client()
    response = client.get(reverse("admin:courses_lesson_preview", args=[lesson.pk]))
    assert response.status_code == 302 and response["Location"] == lesson.get_absolute_url()
    return client


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_mode_of_a_draft_is_a_404_for_learners(client, draft, name):
    assert client.get(reverse(f"learning:{name}", args=[SLUG])).status_code == 404


@pytest.mark.parametrize(("name", "data"), POST_PAGES)
def test_posts_to_a_draft_are_404s_and_write_nothing(client, draft, name, data):
    assert client.post(reverse(f"learning:{name}", args=[SLUG]), data).status_code == 404
    mode_done = reverse("learning:mode-done", args=[SLUG, "deep-dive"])
    assert client.post(mode_done).status_code == 404
    assert not TestAttempt.objects.exists() and not LessonProgress.objects.exists()


def test_a_draft_is_absent_from_the_catalogue_and_track_page(client, draft, course):
    other = course["fixture-monitoring"]
    for url in ("/", reverse("learning:track", args=[draft.track.slug])):
        html = client.get(url).content.decode()
        assert draft.get_absolute_url() not in html
        assert other.get_absolute_url() in html


def test_a_cached_lesson_page_goes_when_the_lesson_becomes_a_draft(client, course):
    lesson = course[SLUG]
    assert client.get(lesson.get_absolute_url()).status_code == 200  # now in the page cache
    to_draft(lesson)
    assert client.get(lesson.get_absolute_url()).status_code == 404


def test_staff_preview_every_page_of_a_draft_with_a_banner(draft):
    client = previewing(draft)
    for name in GET_PAGES:
        response = client.get(reverse(f"learning:{name}", args=[SLUG]))
        assert response.status_code == 200, name
        assert BANNER in response.content.decode(), name
    catalogue = client.get("/").content.decode()
    assert draft.get_absolute_url() in catalogue and "Draft</span>" in catalogue
    response = client.post(reverse("learning:start", args=[SLUG]))
    assert response.status_code == 303  # a test of the draft, as a learner would take it


def test_without_the_preview_staff_see_what_learners_see(draft):
    client = instructor_client()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_preview_flag_counts_only_with_the_permission(draft):
    client = previewing(draft)
    user = User.objects.get(username="ines")
    user.groups.clear()  # permission withdrawn, the session flag still set
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_learner_cannot_start_the_preview(client, draft):
    response = client.get(reverse("admin:courses_lesson_preview", args=[draft.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_leaving_the_preview_hides_drafts_again(draft):
    client = previewing(draft)
    response = client.post(reverse("learning:leave-preview"), {"next": "https://evil.example/"})
    assert response.status_code == 303 and response["Location"] == "/"
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert BANNER not in client.get("/").content.decode()


def test_previewed_drafts_never_reach_the_anonymous_page_cache(draft, settings):
    previewing(draft).get(draft.get_absolute_url())
    previewing_again = Client()
    assert previewing_again.get(draft.get_absolute_url()).status_code == 404


def test_unpublishing_keeps_history_and_hides_it_from_dashboard_and_review(client, course):
    lesson = course[SLUG]
    client.post(reverse("learning:start", args=[SLUG]))
    finish(client, TestAttempt.objects.get(), pattern="0" * 10)  # misses make review cards
    ReviewCard.objects.update(due=timezone.now() - timedelta(days=1))
    assert ReviewCard.objects.exists()
    assert lesson.title in client.get(reverse("learning:review")).content.decode()

    admin = instructor_client()
    changelist = reverse("admin:courses_lesson_changelist")
    admin.post(changelist, {"action": "unpublish", "_selected_action": [lesson.pk]})
    lesson.refresh_from_db()
    assert lesson.is_draft
    assert TestAttempt.objects.count() == 1 and LessonProgress.objects.count() == 1
    assert ReviewCard.objects.filter(lesson=lesson).exists()  # history kept
    dashboard = client.get(reverse("learning:dashboard")).content.decode()
    assert lesson.get_absolute_url() not in dashboard
    review = client.get(reverse("learning:review")).content.decode()
    assert lesson.title not in review

    lesson.status = Lesson.Status.PUBLISHED
    lesson.save()
    assert lesson.get_absolute_url() in client.get(reverse("learning:dashboard")).content.decode()


def test_the_dashboard_and_review_keep_their_query_budgets(client, course,
                                                         django_assert_max_num_queries):  # fmt: skip
    client.post(reverse("learning:start", args=[SLUG]))
    to_draft(course["fixture-monitoring"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("learning:dashboard")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("learning:review")).status_code == 200


# --- Publishing ---------------------------------------------------------------------------


def lesson_form(lesson: Lesson, **changes) -> dict:
    data = {
        "track": lesson.track_id, "title": lesson.title, "slug": lesson.slug,
        "level": lesson.level, "order": lesson.order, "summary": lesson.summary,
        "status": lesson.status, "introduction": lesson.introduction,
        "sections-TOTAL_FORMS": 0, "sections-INITIAL_FORMS": 0,
        "questions-TOTAL_FORMS": 0, "questions-INITIAL_FORMS": 0,
    }  # fmt: skip
    return {**data, **changes}


def test_a_new_lesson_in_the_admin_starts_as_a_draft(db):
    html = instructor_client().get(reverse("admin:courses_lesson_add")).content.decode()
    assert '<option value="draft" selected>' in html


def test_publishing_is_refused_with_the_reasons_while_checks_fail(db):
    lesson = make_lesson(status=Lesson.Status.DRAFT, sections=1)
    make_question(lesson)  # a bank of one
    response = instructor_client().post(
        reverse("admin:courses_lesson_change", args=[lesson.pk]),
        lesson_form(lesson, status="published"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be published yet" in html
    assert "The test bank has 1 active questions; a test draws 10." in html
    lesson.refresh_from_db()
    assert lesson.is_draft and lesson.published_at is None


def test_a_lint_error_blocks_publishing_and_is_named(db):
    lesson = make_lesson(status=Lesson.Status.DRAFT, sections=1)
    for difficulty, count in (("easy", 3), ("medium", 4), ("hard", 3)):
        for _ in range(count):
            make_question(lesson, difficulty=difficulty)
    leaky = make_question(lesson, hint="Pick the one that says restart the worker process.")
    leaky.options.filter(is_correct=True).update(text="Restart the worker process")
    admin = instructor_client()
    changelist = reverse("admin:courses_lesson_changelist")
    response = admin.post(
        changelist, {"action": "publish", "_selected_action": [lesson.pk]}, follow=True
    )
    html = response.content.decode()
    assert "stays a draft" in html and "hint-reveals-answer" in html and leaky.key in html
    lesson.refresh_from_db()
    assert lesson.is_draft

    leaky.hint = "Which step clears the stuck state?"
    leaky.save()
    response = admin.post(
        reverse("admin:courses_lesson_change", args=[lesson.pk]),
        lesson_form(lesson, status="published"),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert not lesson.is_draft and lesson.published_at is not None
    assert Client().get(lesson.get_absolute_url()).status_code == 200


def test_the_checks_panel_shows_the_bank_against_the_draw(db):
    lesson = make_lesson(status=Lesson.Status.DRAFT, sections=1)
    make_section(lesson, kind="fact")
    for difficulty, count in (("easy", 7), ("medium", 8), ("hard", 6)):
        for _ in range(count):
            make_question(lesson, difficulty=difficulty)
    make_question(lesson, use=Question.Use.PRACTICE)
    html = instructor_client().get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    html = html.content.decode()
    assert "Ready to publish" in html
    assert "A learner can take 2 tests — the first and 1 retake — before meeting" in html
    assert "Practice questions: 1" in html
    assert "Challenge problems: 0 — <strong>missing</strong>" in html
    assert "Flashcards (key facts and confusions): 1" in html
    assert "Preview as a learner" in html


# --- Content files ------------------------------------------------------------------------


def write_lesson(tmp_path, front: str):
    folder = tmp_path / "a-lesson"
    folder.mkdir(parents=True)
    (folder / "lesson.md").write_text(f"---\ntitle: T\nlevel: ml\n{front}---\nIntro.\n")
    (folder / "sections.yaml").write_text(
        "- kind: concept\n  key: c\n  heading: C\n  body: Body.\n  takeaway: T.\n"
    )
    (folder / "questions.yaml").write_text(
        "- key: q\n  use: practice\n  kind: true_false\n  difficulty: easy\n  prompt: P?\n"
        "  answer: true\n  solution: [S]\n  hint: H\n  quick_check: Q\n  mistakes: [M]\n"
    )
    return folder


def test_lesson_md_carries_the_status_and_defaults_to_published(tmp_path):
    assert read_lesson(write_lesson(tmp_path / "a", "status: draft\n")).status == "draft"
    assert read_lesson(write_lesson(tmp_path / "b", "")).status == "published"


def test_a_bad_status_is_refused_with_its_line(tmp_path):
    with pytest.raises(ContentError) as error:
        read_lesson(write_lesson(tmp_path / "c", "status: live\n"))
    assert error.value.line == 4 and "'status' must be one of draft, published" in str(error.value)


def test_the_importer_applies_the_status(db, tmp_path, settings):
    from courses.importer import import_content

    track = tmp_path / "a-track"
    track.mkdir()
    (track / "track.yaml").write_text("title: A track\n")
    write_lesson(track, "status: draft\n")
    import_content(track)
    assert Lesson.objects.get(slug="a-lesson").is_draft
    (track / "a-lesson" / "lesson.md").write_text("---\ntitle: T\nlevel: ml\n---\nIntro.\n")
    import_content(track)
    assert not Lesson.objects.get(slug="a-lesson").is_draft
