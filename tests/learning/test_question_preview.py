"""Preview as a learner: a question's test card and its feedback, for staff (learning/views/studio.py)."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from courses.models import Question
from quizzes.models import Response, TestAttempt


def _user(*codenames, is_staff=True):
    user = User.objects.create_user(f"u{User.objects.count()}", password="pw", is_staff=is_staff)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def single(lesson):
    return lesson.questions.filter(kind=Question.Kind.SINGLE, use="test").first()


def url(question, **query):
    base = reverse("learning:question-preview", args=[question.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_anonymous_and_learners_are_sent_to_the_login(client, single):
    assert reverse("admin:login") in client.get(url(single))["Location"]
    client.force_login(_user("change_question", is_staff=False))
    assert reverse("admin:login") in client.get(url(single))["Location"]


def test_staff_without_permission_to_change_questions_are_refused(client, single):
    client.force_login(_user("change_lesson"))
    assert client.get(url(single)).status_code == 403


def test_the_card_is_the_tests_with_right_and_wrong_feedback(admin_client, single):
    response = admin_client.get(url(single, seed=7))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="test-card"' in html and "Question 1 of 10" in html and "Choose one answer" in html
    assert single.prompt_html in html
    assert "Preview as a learner" in html  # the banner
    assert html.count('class="review"') == 2  # the feedback for a right and a wrong answer
    assert "verdict--right" in html and "verdict--wrong" in html
    assert html.count("Correct answer</span>") == 2
    for option in single.options.all():
        assert f'id="option-{option.pk}"' in html


def test_the_options_are_shuffled_by_the_seed(admin_client, single):
    def order(seed):
        html = admin_client.get(url(single, seed=seed)).content.decode()
        return re.findall(r'<input type="radio" id="option-(\d+)"', html)

    orders = {tuple(order(seed)) for seed in range(1, 12)}
    assert order(3) == order(3)
    assert len(orders) > 1
    assert sorted(orders.pop()) == sorted(str(o.pk) for o in single.options.all())


def test_code_is_highlighted(admin_client, lesson):
    coded = lesson.questions.filter(kind=Question.Kind.CODE_OUTPUT).first()
    html = admin_client.get(url(coded)).content.decode()
    assert 'class="highlight"' in html and "Type exactly what the code prints" in html
    assert html.count("What the code prints") == 2


@pytest.mark.parametrize(
    ("theme", "media"),
    [("dark", 'media="all"'), ("light", 'media="not all"'),
     ("", 'media="(prefers-color-scheme: dark)"')],
)  # fmt: skip
def test_a_theme_can_be_forced(admin_client, single, theme, media):
    html = admin_client.get(url(single, theme=theme)).content.decode()
    dark_links = re.findall(r'<link rel="stylesheet" href="[^"]*-dark\.css" ([^>]*)>', html)
    assert dark_links == [media, media]


def test_answering_grades_the_choice_and_records_nothing(admin_client, single):
    right = single.options.get(is_correct=True)
    wrong = single.options.filter(is_correct=False).first()
    response = admin_client.post(url(single, seed=1), {"choice": right.pk})
    assert response.status_code == 200 and b"verdict--right" in response.content
    response = admin_client.post(url(single, seed=1), {"choice": wrong.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card test-card"')  # only the card
    assert "verdict--wrong" in html and "Your choice" in html
    assert not TestAttempt.objects.exists() and not Response.objects.exists()


def test_a_bad_answer_is_a_400_with_the_card_again(admin_client, single):
    response = admin_client.post(url(single), {"choice": "999999"})
    assert response.status_code == 400
    assert b"field-error" in response.content and b'id="test-card"' in response.content


def test_the_test_itself_still_renders_its_card(client, lesson):
    """The card is shared with the test (quizzes/_test_question.html)."""
    response = client.post(reverse("learning:start", args=[lesson.slug]), follow=True)
    html = response.content.decode()
    assert "Question 1 of" in html and 'action="/tests/' in html and "Abandon this test" in html
