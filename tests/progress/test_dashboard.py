import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_bank, make_lesson
from tests.pages import page_text
from tests.quizzes.helpers import finish, start


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def test_dashboard_for_a_newcomer(client, course):
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Your dashboard" in html
    assert "You are learning as a guest" in html
    for lesson in course.values():
        assert lesson.title in html
    assert "Your scores appear here after your first test" in html


def test_dashboard_shows_strength_scores_chart_due_and_continue(client, lesson):
    finish(client, start(client, lesson), pattern="1111111101")
    finish(client, start(client, lesson), pattern="1111100000")
    start(client, lesson)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert '<span class="strength strength--developing">Developing</span>' in html
    assert "<td>5/10</td>" in html and "<td>9</td>" in html
    assert html.count('<circle class="chart__dot"') == 2
    assert '<svg class="chart__svg"' in html and 'role="img"' in html
    assert '<desc id="chart-desc">' in html and "9 of 10" in html and "5 of 10" in html
    assert "Show the scores as a table" in html
    assert "card" in html and "due now" in html
    assert "Resume the test" in html


def test_dashboard_query_count_is_constant(client, db, django_assert_max_num_queries):
    lessons = [make_lesson() for _ in range(6)]
    for lesson in lessons[:3]:
        make_bank(lesson)
        for _ in range(3):
            finish(client, start(client, lesson), pattern="1010101010")
    with django_assert_max_num_queries(3):  # progress; due, resume and results; next due
        response = client.get(reverse("learning:dashboard"))
    html = page_text(response)
    assert all(lesson.title in html for lesson in lessons)
    assert response.content.decode().count('<circle class="chart__dot"') == 9


def test_the_chart_plots_the_latest_results_oldest_first(client, lesson):
    for pattern in ("1111111111", "1111100000", "0000000000"):
        finish(client, start(client, lesson), pattern=pattern)
    html = client.get(reverse("learning:dashboard")).content.decode()
    table = re.search(r'<details class="chart__table">.*?</details>', html, re.S).group(0)
    scores = re.findall(r"<td>(\d+) of 10</td>", table)
    assert scores == ["10", "5", "0"]


def test_track_page_shows_a_progress_bar(client, lesson):
    finish(client, start(client, lesson))
    html = client.get(reverse("learning:track", args=[lesson.track.slug])).content.decode()
    assert "1 of 3 patterns strong" in html
    assert '<progress class="test-progress__bar" max="3" value="1"' in html


def test_no_one_sees_anothers_dashboard(client, lesson):
    finish(client, start(client, lesson))
    html = Client().get(reverse("learning:dashboard")).content.decode()
    assert "strength--strong" not in html
    assert "Your scores appear here after your first test" in html


def test_the_table_and_chart_show_each_change_though_their_markup_is_kept(client, lesson):
    """The lessons table and the chart are kept rendered under what they show: a new
    result must redraw both, and another learner with the same rows shares the table."""
    before = client.get(reverse("learning:dashboard")).content.decode()
    assert '<circle class="chart__dot"' not in before and "<td>0</td>" in before
    finish(client, start(client, lesson), pattern="1111111101")
    after = client.get(reverse("learning:dashboard")).content.decode()
    assert after.count('<circle class="chart__dot"') == 1 and "<td>9/10</td>" in after
    finish(client, start(client, lesson), pattern="1111100000")
    again = client.get(reverse("learning:dashboard")).content.decode()
    assert again.count('<circle class="chart__dot"') == 2 and "<td>5/10</td>" in again
    newcomer = Client().get(reverse("learning:dashboard")).content.decode()
    assert "9/10" not in newcomer and '<circle class="chart__dot"' not in newcomer


def test_learners_with_the_same_rows_share_one_rendering_of_the_table(db, course, monkeypatch):
    from django.core.cache import caches

    from courses import content_cache

    caches["local"].clear()
    renders = []
    real = content_cache.render_to_string
    monkeypatch.setattr(content_cache, "render_to_string",
                        lambda *a, **k: renders.append(a[0]) or real(*a, **k))  # fmt: skip
    pages = [Client().get(reverse("learning:dashboard")).content.decode() for _ in range(3)]
    assert renders == ["progress/_board_lessons.html"]
    assert all(course["fixture-readiness"].title in page for page in pages)


def _board_rendered_directly(client) -> str:
    """The board as the template renders it for the client's learner, with no placeholder
    and no kept skeleton."""
    from django.contrib.auth import get_user
    from django.utils import timezone

    from accounts.learners import current_learner_id
    from learning.dashboard import dashboard
    from learning.page_cache import hole_html
    from progress.strength import RULE

    request = client.get(reverse("learning:dashboard")).wsgi_request
    context = {"shown": dashboard(current_learner_id(request)).shown(timezone.now()),
               "user": get_user(request), "rule": RULE}  # fmt: skip
    return hole_html("progress/dashboard.html#board", context).decode()


def test_boards_filled_from_a_shared_skeleton_are_the_boards_rendered_directly(
    db, lesson, django_user_model, monkeypatch
):
    """Learners whose boards show the same parts share one rendered board; each gets it
    filled with their own values, byte for byte the board the template renders for them
    alone: a newcomer, a test to resume with cards due, a lesson to go back to with the
    next card days away, and a signed-in learner."""
    from datetime import timedelta

    from django.core.cache import caches
    from django.utils import timezone

    from accounts.learners import current_learner_id
    from learning import page_cache
    from progress.models import ReviewCard

    caches["local"].clear()
    skeletons = []
    real = page_cache.hole_html
    monkeypatch.setattr(page_cache, "hole_html",
                        lambda name, context: skeletons.append(name) or real(name, context))  # fmt: skip
    newcomer, resuming, returning, member = Client(), Client(), Client(), Client()
    finish(resuming, start(resuming, lesson), pattern="1111111100")
    start(resuming, lesson)
    finish(returning, start(returning, lesson), pattern="1111111110")
    returning_id = current_learner_id(returning.get(reverse("learning:dashboard")).wsgi_request)
    later = timezone.now() + timedelta(days=3)
    assert ReviewCard.objects.filter(learner_id=returning_id).update(due=later) == 1
    member.force_login(django_user_model.objects.create_user("board", password="x" * 12))
    for client in (newcomer, resuming, returning, member):
        page = client.get(reverse("learning:dashboard")).content.decode()
        assert _board_rendered_directly(client) in page and "\x00" not in page
    assert "Resume the test" in _board_rendered_directly(resuming)
    assert "2</strong> cards due now" in _board_rendered_directly(resuming)
    returned = _board_rendered_directly(returning)
    assert "Open the lesson" in returned and "Next: “" in returned and "in 2\xa0days" in returned
    assert "Create an account" not in _board_rendered_directly(member)
    skeletons.clear()
    again = Client()
    again.get(reverse("learning:dashboard"))
    assert "progress/dashboard.html#board" not in skeletons  # the newcomer's, kept
