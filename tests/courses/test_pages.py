import re

import pytest
from django.urls import reverse

from courses.models import Section
from tests.factories import make_lesson, make_question, make_section
from tests.pages import page_text


def test_catalogue_lists_tracks_and_lessons_with_level_and_minutes(client, course):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fixture track" in html
    for lesson in course.values():
        assert lesson.get_absolute_url() in html
        assert lesson.title in html
    minutes = course["fixture-readiness"].minutes["explanation"]  # computed from the text
    assert f"~{minutes} min read" in html
    assert '<span class="badge">ml</span>' in html


def test_catalogue_queries_do_not_grow_with_lessons(client, course, django_assert_max_num_queries):
    for _ in range(5):
        make_lesson(sections=2)
    client.post(reverse("learning:start", args=["fixture-readiness"]))  # now a learner
    with django_assert_max_num_queries(3):
        response = client.get("/")
    assert "Strength" in page_text(response)


def test_lesson_page_shows_every_section(client, course):
    lesson = course["fixture-readiness"]
    html = client.get(lesson.get_absolute_url()).content.decode()
    for section in lesson.sections.filter(kind__in=Section.EXPLANATION_KINDS):
        assert section.body_html in html, section.key
        assert section.takeaway_html in html
    for heading in ("Introduction", "Explanation", "Real-world analogy", "Diagram", "Key facts",
                    "Common confusions", "Summary", "Practice"):  # fmt: skip
        assert f">{heading}" in html, heading
    assert html.count('class="concept"') == 5
    assert html.count('class="practice"') == 5
    assert "Test this pattern" in html
    assert html.count('class="mode ') + html.count('class="mode"') == 10


def test_mode_specific_sections_stay_off_the_explanation(client, course):
    lesson = course["fixture-readiness"]
    deep = lesson.sections.get(key="what-it-is")
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert deep.body_html not in html


def test_the_diagram_is_html_with_a_text_alternative(client, course):
    lesson = course["fixture-readiness"]
    diagram = lesson.sections.get(kind="diagram")
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert '<figure class="diagram"' in html
    assert "<figcaption" in html and diagram.body_html in html
    for item in diagram.items.all():
        assert f'<span class="diagram__label">{item.label}</span>' in html


def test_practice_answers_are_revealed_on_request(client, course):
    html = client.get(course["fixture-readiness"].get_absolute_url()).content.decode()
    assert html.count("<summary>Show the answer and solution</summary>") == 5


def test_unknown_lesson_is_a_friendly_404(client, db):
    response = client.get("/patterns/no-such-lesson/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


@pytest.mark.parametrize("sections", [1, 40])
def test_lesson_page_query_count_is_constant(client, db, django_assert_max_num_queries, sections):
    lesson = make_lesson(sections=sections)
    for kind in (Section.Kind.ANALOGY, Section.Kind.DIAGRAM):
        make_section(lesson, kind=kind, items=sections)
    for _ in range(sections):
        make_question(lesson, use="practice")
    with django_assert_max_num_queries(6):
        response = client.get(lesson.get_absolute_url())
    assert lesson.title in page_text(response)


def test_lesson_page_query_count_for_a_learner_with_attempts(
    client, course, django_assert_max_num_queries
):
    lesson = course["fixture-readiness"]
    client.post(reverse("learning:start", args=[lesson.slug]))
    with django_assert_max_num_queries(6):
        response = client.get(lesson.get_absolute_url())
    assert "Resume test" in page_text(response)


def test_pages_carry_no_inline_script_or_style(client, course):
    for url in ("/", course["fixture-readiness"].get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'style="' not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag and "nonce=" in tag, tag


def test_an_admin_edit_shows_on_the_cached_lesson_page(admin_client, client, course):
    lesson = course["fixture-readiness"]
    section = lesson.sections.get(key="reliability")
    assert "Brand new wording." not in client.get(lesson.get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:courses_section_change", args=[section.pk]),
        {
            "lesson": lesson.pk, "order": section.order, "kind": section.kind,
            "key": section.key, "heading": section.heading, "body": "Brand new wording.",
            "takeaway": section.takeaway,
            "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Brand new wording." in client.get(lesson.get_absolute_url()).content.decode()


def test_a_warm_lesson_page_needs_two_queries(client, course, django_assert_max_num_queries):
    lesson = course["fixture-readiness"]
    client.get(lesson.get_absolute_url())
    with django_assert_max_num_queries(2):
        response = client.get(lesson.get_absolute_url())
    assert "Reliability" in page_text(response)


def _token_and_nonce(response):
    html = response.content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    return html, token, nonce


def test_visitors_share_a_cached_page_with_their_own_token_and_nonce(course, settings):
    from django.test import Client

    lesson = course["fixture-readiness"]
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html1, token1, nonce1 = _token_and_nonce(first.get(lesson.get_absolute_url()))
    html2, token2, nonce2 = _token_and_nonce(second.get(lesson.get_absolute_url()))
    assert token1 != token2 and nonce1 != nonce2
    assert html2.count(f'nonce="{nonce2}"') == html1.count(f'nonce="{nonce1}"') > 0
    assert f'name="csrfmiddlewaretoken" value="{token2}"' in html2
    assert "\x00" not in html2
    # The cached page's form works: the CSRF token matches this visitor's cookie.
    response = second.post(reverse("learning:start", args=[lesson.slug]),
                           {"csrfmiddlewaretoken": token2})  # fmt: skip
    assert response.status_code == 303


def test_content_changes_retire_cached_pages(client, course):
    from courses.models import Lesson

    lesson = course["fixture-readiness"]
    client.get(lesson.get_absolute_url())
    lesson = Lesson.objects.get(pk=lesson.pk)
    lesson.title = "A renamed lesson"
    lesson.save()
    assert "A renamed lesson" in client.get(lesson.get_absolute_url()).content.decode()


def test_learners_never_get_the_visitors_page(client, course):
    lesson = course["fixture-readiness"]
    client.get(lesson.get_absolute_url())  # cached for visitors
    client.post(reverse("learning:start", args=[lesson.slug]))
    assert "Resume test" in client.get(lesson.get_absolute_url()).content.decode()


def test_the_explanation_can_be_marked_done_but_graded_modes_cannot(client, course):
    lesson = course["fixture-readiness"]
    for mode in ("test", "practice", "challenge", "flashcards"):
        url = reverse("learning:mode-done", args=[lesson.slug, mode])
        assert client.post(url).status_code == 400, mode
    response = client.post(reverse("learning:mode-done", args=[lesson.slug, "explanation"]))
    assert response.status_code == 303
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "Done — the mode chooser shows it as visited." in html
    assert html.count("✓</span> visited") == 1


def test_a_warm_lesson_page_for_a_learner_with_history_needs_one_query(
    client, course, django_assert_max_num_queries
):
    """The lesson and its body come from the content cache; only the learner's status is
    read, in one statement compiled once per process."""
    lesson = course["fixture-readiness"]
    client.post(reverse("learning:start", args=[lesson.slug]))
    client.get(lesson.get_absolute_url())
    with django_assert_max_num_queries(1):
        response = client.get(lesson.get_absolute_url())
    assert "Resume test" in response.content.decode()


def test_learners_share_the_lesson_skeleton_but_see_only_their_own_parts(course, monkeypatch):
    """The page around a learner's own parts is rendered once per process; each learner's
    test call to action, mode chooser, token and nonce are their own, and their forms work."""
    from django.core.cache import caches
    from django.test import Client

    from courses.rendering import lesson_body
    from learning import page_cache
    from tests.quizzes.helpers import finish, start

    lesson = course["fixture-readiness"]
    url = lesson.get_absolute_url()
    veteran, newcomer = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    veteran.get(url)
    token = _token_and_nonce(veteran.get(url))[1]
    veteran.post(reverse("learning:start", args=[lesson.slug]), {"csrfmiddlewaretoken": token})
    attempt = lesson.test_attempts.get()
    veteran.handler.enforce_csrf_checks = False
    finish(veteran, attempt, pattern="1111111000")
    veteran.post(reverse("learning:mode-done", args=[lesson.slug, "explanation"]))
    newcomer.get(url)
    newcomer.handler.enforce_csrf_checks = False
    start(newcomer, lesson)
    newcomer.handler.enforce_csrf_checks = True

    caches["local"].clear()  # no skeleton kept yet
    renders = []
    real = page_cache.render_to_string
    monkeypatch.setattr(page_cache, "render_to_string",
                        lambda *a, **k: renders.append(a[0]) or real(*a, **k))  # fmt: skip
    pages = {name: _token_and_nonce(client.get(url))
             for name, client in (("veteran", veteran), ("newcomer", newcomer))}  # fmt: skip
    pages["veteran again"] = _token_and_nonce(veteran.get(url))
    assert renders == ["courses/lesson.html"] * 2  # one skeleton for each mode_done value

    html, token, nonce = pages["veteran"]
    assert "latest result: 7/10" in html and "Retake the test" in html
    assert "Resume test" not in html and "Done — the mode chooser shows it as visited." in html
    assert html.count("✓</span> visited") == 2  # the explanation and the test
    assert f'value="{token}"' in html and f'nonce="{nonce}"' in html and "\x00" not in html
    html, token, nonce = pages["newcomer"]
    assert "Resume test — question 1 of 10" in html and "latest result" not in html
    assert "Mark this mode as done" in html and "\x00" not in html
    # Abandon (in the call to action, a hole) and mark as done (in the skeleton).
    assert html.count(f'name="csrfmiddlewaretoken" value="{token}"') == 2
    assert pages["veteran again"][1] not in (pages["veteran"][1], token)
    body = lesson_body(lesson).decode()  # the kept body, filled into its hole
    assert all(body in page[0] for page in pages.values())
    # The newcomer's forms, from a page filled around the skeleton, pass the CSRF check.
    done = newcomer.post(reverse("learning:mode-done", args=[lesson.slug, "explanation"]),
                         {"csrfmiddlewaretoken": token})  # fmt: skip
    assert done.status_code == 303


def test_a_learner_with_a_message_gets_a_page_of_their_own(client, course, monkeypatch):
    from learning import page_cache

    lesson = course["fixture-readiness"]
    client.post(reverse("learning:start", args=[lesson.slug]))
    client.get(lesson.get_absolute_url())  # the skeleton is kept
    attempt = lesson.test_attempts.get()
    client.post(reverse("learning:abandon", args=[attempt.pk]))  # leaves a message
    renders = []
    real = page_cache.render_to_string
    monkeypatch.setattr(page_cache, "render_to_string",
                        lambda *a, **k: renders.append(a[0]) or real(*a, **k))  # fmt: skip
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert renders == ["courses/lesson.html"] and 'class="message' in html
    assert "Start the test" in html
    client.get(lesson.get_absolute_url())
    assert renders == ["courses/lesson.html"]  # the message shown, the kept skeleton again
