"""The item-analysis pages in the admin: the report, its CSV, and accepting suggested
difficulty labels in bulk (which the next test draw then uses)."""

import csv
import io
import itertools

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from accounts.models import Learner
from courses.content_cache import content_version
from courses.models import Question
from quizzes.services import start_test
from tests.quizzes.item_data import designed_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def designed():
    """The designed set five times over: 30 responses a question, enough to judge."""
    return designed_lesson(repeat=5)


def report_url(designed):
    return reverse("admin:quizzes_itemanalysis_report", args=[designed.lesson.pk])


def calibrate_url(designed):
    return reverse("admin:quizzes_itemanalysis_calibrate", args=[designed.lesson.pk])


_staff_numbers = itertools.count(1)


def staff(*perms: str) -> Client:
    """A client signed in as a staff member with only these permissions."""
    name = f"instructor-{next(_staff_numbers)}"
    user = User.objects.create_user(name, password="pw", is_staff=True)
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    client = Client()
    client.force_login(user)
    return client


def difficulties(designed) -> list[str]:
    return [Question.objects.get(pk=q.pk).difficulty for q in designed.questions]


def test_the_report_page_shows_the_histogram_its_table_and_flagged_questions_first(
    admin_client, designed
):
    html = admin_client.get(report_url(designed)).content.decode()
    assert '<svg role="img" aria-labelledby="scores-title scores-desc"' in html
    assert '<title id="scores-title">Score distribution of' in html
    assert "score 3, 15 attempts" in html  # the description says every bar's figure
    assert html.count("<rect ") == 5
    assert "<caption>Finished attempts by score</caption>" in html
    assert "<script" not in html.split('id="content-main"')[1].split("</svg>")[0]
    q1, q2, q3, q4 = (q.key for q in designed.questions)
    assert html.index(q1) < html.index(q2) < html.index(q4) < html.index(q3)
    assert "Labelled easy, but only 33% answer it right" in html
    assert "at least 30 responses" in html and "facility ≥ 80% easy" in html


def test_option_texts_stay_inert_on_the_page(admin_client, designed):
    option = designed.questions[0].options.get(order=1)
    option.text = "<script>alert(1)</script>"
    option.save()
    html = admin_client.get(report_url(designed)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_csv_download_is_an_attachment_with_formulas_neutralised(admin_client, designed):
    option = designed.questions[0].options.get(order=1)
    option.text = '=HYPERLINK("http://evil.example","x")'
    option.save()
    response = admin_client.get(
        reverse("admin:quizzes_itemanalysis_csv", args=[designed.lesson.pk])
    )
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == (
        f'attachment; filename="item-analysis-{designed.lesson.slug}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][rows[0].index("option_2")] == '\'=HYPERLINK("http://evil.example","x")'


def test_the_changelist_links_each_lesson_to_its_report(admin_client, designed):
    html = admin_client.get(reverse("admin:quizzes_itemanalysis_changelist")).content.decode()
    assert report_url(designed) in html


def test_accepting_suggestions_relabels_logs_and_the_next_draw_uses_them(admin_client, designed):
    q1, q2, q3, q4 = designed.questions
    before = content_version()
    response = admin_client.post(calibrate_url(designed), {"questions": [q1.pk, q2.pk, q3.pk]})
    assert response.status_code == 302
    # q1 (facility 1/3) easy → hard, q2 (facility 1) hard → easy; q3 already fits.
    assert difficulties(designed) == ["hard", "easy", "medium", "medium"]
    entries = LogEntry.objects.filter(object_id__in=[str(q1.pk), str(q2.pk)])
    assert sorted(e.change_message for e in entries) == [
        "Difficulty easy → hard, accepted from item analysis (facility 0.33 over 30 responses).",
        "Difficulty hard → easy, accepted from item analysis (facility 1.00 over 30 responses).",
    ]
    assert {e.user.username for e in entries} == {"admin"}
    assert content_version() != before
    attempt = start_test(learner=Learner.objects.create(), lesson=designed.lesson)
    order = list(attempt.slots.order_by("position").values_list("question_id", flat=True))
    # The draw runs easy → medium → hard: q2 now comes first, q1 last.
    assert order[0] == q2.pk and order[-1] == q1.pk and set(order[1:3]) == {q3.pk, q4.pk}


def test_accepting_nothing_new_changes_nothing(admin_client, designed):
    q3 = designed.questions[2]
    response = admin_client.post(calibrate_url(designed), {"questions": [q3.pk]}, follow=True)
    assert "None of these questions has a new difficulty to accept." in response.content.decode()
    assert difficulties(designed) == ["easy", "hard", "medium", "medium"]
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("data", [{}, {"questions": ["x"]}, {"questions": [999999]}])
def test_a_bad_form_is_refused_with_a_message(admin_client, designed, data):
    response = admin_client.post(calibrate_url(designed), data, follow=True)
    assert "Choose at least one of this lesson" in response.content.decode()
    assert difficulties(designed) == ["easy", "hard", "medium", "medium"]


def test_another_lessons_question_cannot_be_relabelled_here(admin_client, designed):
    other = designed_lesson(repeat=5)
    admin_client.post(calibrate_url(designed), {"questions": [other.questions[0].pk]})
    assert difficulties(other) == ["easy", "hard", "medium", "medium"]


def test_calibration_needs_a_post_with_csrf(designed):
    user = User.objects.create_superuser("boss", password="pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    q1 = designed.questions[0]
    assert client.get(calibrate_url(designed)).status_code == 405
    assert client.post(calibrate_url(designed), {"questions": [q1.pk]}).status_code == 403
    assert difficulties(designed)[0] == "easy"


def test_permissions(client, designed):
    assert client.get(report_url(designed)).status_code == 302  # to the admin login
    assert staff().get(report_url(designed)).status_code == 403
    viewer = staff("quizzes.view_itemanalysis")
    html = viewer.get(report_url(designed)).content.decode()
    assert "Accept the checked suggestions" not in html
    q1 = designed.questions[0]
    assert viewer.post(calibrate_url(designed), {"questions": [q1.pk]}).status_code == 403
    assert difficulties(designed)[0] == "easy"


def test_an_instructor_who_may_change_questions_sees_the_form(designed):
    html = (
        staff("quizzes.view_itemanalysis", "courses.change_question")
        .get(report_url(designed))
        .content.decode()
    )
    assert "Accept the checked suggestions" in html
    assert html.count('type="checkbox" name="questions"') == 2
