"""Settings, headers, health check and error pages."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings
from django.urls import path

from config import views as site_views

PRODUCTION_ENV = {
    "DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "SECRET_KEY": "k" * 20 + "Z9x!q@w#e$r%t^y&u*i(o)p_a+s=d-f" + "0123456789" * 2,
    "ALLOWED_HOSTS": "patternwise.example",
    "DATABASE_URL": "sqlite:////tmp/patternwise-check.sqlite3",
    "EMAIL_HOST": "smtp.patternwise.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args, env_overrides: dict, remove=()):
    env = {k: v for k, v in os.environ.items() if k not in remove}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, check=False
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_overrides=PRODUCTION_ENV, remove=("DJANGO_ALLOW_ASYNC_UNSAFE",),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env_overrides=env, remove=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_the_shared_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = run_manage("check", env_overrides=env, remove=("REDIS_URL",))
    assert result.returncode != 0
    assert "REDIS_URL must be set in production" in result.stderr


def test_a_bad_boolean_setting_is_a_clear_error():
    result = run_manage("check", env_overrides={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be 1/0" in result.stderr


def test_security_headers_and_csp_with_nonce(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_admin_works_under_the_csp(admin_client):
    response = admin_client.get("/admin/courses/lesson/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_non_staff_never_reach_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("learner", password="pw-123456789")
    client.force_login(user)
    response = client.get("/admin/courses/lesson/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_healthz_reports_ok(client, db, settings):
    response = client.get("/healthz/")
    assert response.status_code == 200
    backend = "redis" if settings.REDIS_URL else "files"
    body = {"status": "ok", "database": "ok", "cache": "ok", "cache_backend": backend}
    assert response.json() == body
    assert "no-store" in response["Cache-Control"]


def test_healthz_reports_a_database_outage(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(site_views, "connection", UnreachableDatabase())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert "database unavailable: OperationalError" in response.json()["reason"]


DEAD_REDIS = {
    "BACKEND": "config.cache.SharedRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2},
}


@override_settings(REDIS_URL=DEAD_REDIS["LOCATION"], CACHES={"default": DEAD_REDIS})
def test_healthz_reports_a_cache_outage(client, db):
    cache.close()
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "down" and body["database"] == "ok"
    assert "cache unavailable" in body["reason"]


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "versions": DEAD_REDIS, "local": settings.CACHES["local"]},
)  # fmt: skip
def test_healthz_reports_the_content_versions_store_down_when_the_default_answers(client, db):
    """Each store has its own connection pool: after an outage the default's may answer
    again while the versions' still pauses, and every page reads a version."""
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "down" and body["database"] == "ok"
    assert body["reason"] == "cache unavailable (versions): ConnectionError"


def test_ping_is_the_bare_view(client, db):
    response = client.get("/ping/")
    assert response.status_code == 200 and response.content == b"pong"


def _database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


def _bug(request):
    raise ValueError("a bug")


urlpatterns = [path("down/", _database_down), path("bug/", _bug)]
handler500 = "config.views.server_error"


@pytest.mark.urls("tests.config.test_site")
def test_service_outage_is_a_calm_503_page(db):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "briefly unavailable" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.urls("tests.config.test_site")
def test_an_htmx_request_during_an_outage_gets_the_message_in_place_of_the_page(db):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/down/", HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#main" and response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert "briefly unavailable" in html and "<html" not in html


@pytest.mark.urls("tests.config.test_site")
def test_a_bug_is_a_calm_500_page(db):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "ValueError" not in response.content.decode()


def test_a_bad_host_header_is_a_400_not_a_500(client, settings):
    """Refused before the session and user exist, the error page must still render."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["patternwise.test"]
    response = client.get("/ping/", HTTP_HOST="127.0.0.1:1234")
    assert response.status_code == 400


def test_the_wsgi_application_freezes_what_start_up_made_views_included():
    """config/wsgi.py: the collector leaves the worker's lasting objects alone."""
    script = (
        "import gc, sys; before = gc.get_freeze_count(); import config.wsgi; "
        "print(before, gc.get_freeze_count(), 'learning.views.test' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False)  # fmt: skip
    before, frozen, views_imported = result.stdout.split()
    assert (int(before), views_imported) == (0, "True"), result.stderr
    assert int(frozen) > 50_000  # Django, the site's modules and their objects (83,000 here)
