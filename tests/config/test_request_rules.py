"""Site-wide request rules: NUL bytes are refused with 400, and pages showing personal data
are sent `Cache-Control: private, no-store`, and htmx's headers are read without parsing
every header."""

from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client
from django.urls import reverse
from django.utils.cache import patch_cache_control as patch
from django_htmx.middleware import HtmxDetails

import config.middleware
from config.middleware import HtmxDetailsFromMeta
from tests.quizzes.helpers import answer, start

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def member(db, django_user_model):
    return django_user_model.objects.create_user("ada", password=PASSWORD)


def _private(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


ACCOUNT_PAGES = ["accounts:account", "accounts:delete", "accounts:password_change",
                 "learning:export", "learning:dashboard", "learning:review"]  # fmt: skip


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_personal_pages_are_private_and_never_stored(client, member, name):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _private(response)


@pytest.mark.parametrize("name", ["accounts:login", "accounts:signup", "accounts:password_reset"])
def test_account_forms_are_private_for_anyone(client, db, name):
    assert _private(client.get(reverse(name)))


def test_a_known_visitors_lesson_and_test_pages_are_private(client, course):
    lesson = course["fixture-readiness"]
    assert not _private(Client().get(lesson.get_absolute_url()))  # nobody's data on it
    attempt = start(client, lesson)
    assert _private(client.get(lesson.get_absolute_url()))
    assert _private(client.get(reverse("learning:attempt", args=[attempt.pk])))


def test_cache_control_is_written_once_on_a_page_that_says_it_already(client, course, monkeypatch):
    lesson = course["fixture-readiness"]
    attempt = start(client, lesson)
    patched = []
    monkeypatch.setattr(config.middleware, "patch_cache_control",
                        lambda response, **kw: patched.append(kw) or patch(response, **kw))  # fmt: skip
    never_cached = client.get(reverse("learning:attempt", args=[attempt.pk]))  # never_cache
    assert _private(never_cached) and not patched
    assert (
        never_cached["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    assert _private(client.get(lesson.get_absolute_url())) and len(patched) == 1


def test_a_signed_in_learners_catalogue_is_private(client, member):
    client.force_login(member)
    assert _private(client.get(reverse("learning:catalogue")))


@pytest.mark.parametrize("query", ["?q=a%00", "?a%00=1", "?kind__exact=a%00&x=1"])
def test_a_nul_in_the_query_string_is_a_400(client, db, query):
    response = client.get(reverse("learning:catalogue") + query)
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


def test_a_nul_in_form_data_is_a_400_and_changes_nothing(client, db, django_user_model):
    data = {"username": "gr\x00ace", "password1": PASSWORD, "password2": PASSWORD}
    form = "application/x-www-form-urlencoded"
    response = client.post(reverse("accounts:signup"), urlencode(data), content_type=form)
    assert response.status_code == 400
    assert not django_user_model.objects.exists()


def test_a_nul_in_an_admin_list_filter_is_a_400(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    url = reverse("admin:courses_question_changelist")
    assert client.get(url + "?kind__exact=single").status_code == 200
    assert client.get(url + "?kind__exact=a%00").status_code == 400


def test_a_nul_in_a_multipart_form_is_a_400(client, db):
    response = client.post(reverse("accounts:signup"), {"username": "a\x00"})  # multipart
    assert response.status_code == 400


HTMX_HEADERS = [
    {},
    {
        "HX-Request": "true",
        "HX-Target": "card",
        "HX-Trigger": "answer",
        "HX-Trigger-Name": "go",
        "HX-Current-URL": "http://testserver/tests/7/?a=1",
        "HX-Boosted": "true",
    },
    {"HX-Request": "false", "HX-History-Restore-Request": "true", "HX-Prompt": "yes"},
    {
        "HX-Request": "true",
        "HX-Prompt": "caf%C3%A9",
        "HX-Prompt-URI-AutoEncoded": "true",
        "Triggering-Event": '{"type": "click"}',
        "HX-Current-URL": "https://elsewhere.test/",
    },
    {"HX-Request": "", "Triggering-Event": "not json", "HX-Target": ""},
]
HTMX_DETAILS = ["boosted", "current_url", "current_url_abs_path", "history_restore_request",
                "prompt", "target", "trigger", "trigger_name", "triggering_event"]  # fmt: skip


@pytest.mark.parametrize("headers", HTMX_HEADERS)
def test_htmx_details_read_from_meta_are_django_htmxs(rf, headers):
    request = rf.get("/", headers=headers)
    ours, theirs = HtmxDetailsFromMeta(request), HtmxDetails(request)
    assert bool(ours) is bool(theirs)
    for name in HTMX_DETAILS:
        assert getattr(ours, name) == getattr(theirs, name), name


def test_an_answer_does_not_parse_every_header(client, course, monkeypatch):
    """htmx's headers are read from META (config.middleware.HtmxDetailsFromMeta)."""
    attempt = start(client, course["fixture-readiness"])
    parsed, headers = [], WSGIRequest.headers.func
    monkeypatch.setattr(
        WSGIRequest, "headers", property(lambda r: parsed.append(r.path) or headers(r))
    )
    response = answer(client, attempt, htmx=True)
    assert response.status_code == 200 and "Next question" in response.content.decode()
    assert f"/tests/{attempt.pk}/answer/" not in parsed
