"""One throttle for every password check: site login, admin login, password change and
the deletion's confirmation, keyed on the normalised identity and the client address."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import throttle

from .conftest import PASSWORD

LOOK_ALIKES = ["ａlice", "𝐚lice", " alice ", "ALICE", "Alice\u3000"]


def site_login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       **extra)  # fmt: skip


def admin_login(client, username, password, **extra):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(reverse("admin:login"), data, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    return alice


def test_admin_login_is_throttled_30_wrong_then_the_right_one_fails(client, staff):
    for _ in range(30):
        assert admin_login(client, "alice", "wrong").status_code == 200
    response = admin_login(client, "alice", PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    assert admin_login(Client(), "alice", PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_site_and_admin_logins_share_one_budget(client, staff):
    for _ in range(3):
        site_login(client, "alice", "wrong")
    for _ in range(2):
        admin_login(client, "alice", "wrong")
    assert site_login(client, "alice", PASSWORD).status_code == 429
    assert admin_login(client, "alice", PASSWORD).status_code == 200
    assert not signed_in(client)


def test_identity_is_normalised_as_django_normalises_the_username():
    assert {throttle.identity(name) for name in LOOK_ALIKES} == {"alice"}
    assert throttle.identity("bob") != throttle.identity("alice")


def test_look_alike_spellings_share_one_budget(client, alice):
    for name in LOOK_ALIKES:
        response = site_login(client, name, "wrong")
        assert response.status_code == 200, name
    assert site_login(client, "alice", PASSWORD).status_code == 429
    assert not signed_in(client)


@pytest.mark.parametrize("spelling", ["ａlice", "𝐚lice", " alice "])
def test_the_right_password_with_a_look_alike_is_refused_while_locked(client, alice, spelling):
    assert site_login(Client(), spelling, PASSWORD).status_code == 302  # Django accepts it
    for _ in range(5):
        site_login(client, "alice", "wrong")
    response = site_login(client, spelling, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert "Too many failed sign-in attempts" in response.content.decode()


@pytest.mark.parametrize("spelling", ["ａlice", " alice "])
def test_the_admin_refuses_a_look_alike_while_locked(client, staff, spelling):
    for _ in range(5):
        admin_login(client, "alice", "wrong")
    admin_login(client, spelling, PASSWORD)
    assert not signed_in(client)


def test_the_backend_refuses_while_blocked_even_without_the_views_check(rf, alice):
    from django.contrib.auth import authenticate

    request = rf.post("/", REMOTE_ADDR="192.0.2.5")
    for _ in range(5):
        assert authenticate(request, username="alice", password="wrong") is None
    assert authenticate(request, username="ａlice", password=PASSWORD) is None
    other = rf.post("/", REMOTE_ADDR="192.0.2.6")
    assert authenticate(other, username="alice", password=PASSWORD) == alice


def test_forwarded_for_rotation_from_a_direct_client_gets_no_fresh_budget(client, alice):
    for n in range(5):
        site_login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    rotated = site_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert rotated.status_code == 429


def test_with_one_trusted_proxy_its_forwarded_entry_is_the_client(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged_then_proxy = "6.6.6.6, 203.0.113.9"  # the client wrote the first entry
    for n in range(5):
        site_login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"7.7.7.{n}, 203.0.113.9")
    assert site_login(client, "alice", PASSWORD,
                      HTTP_X_FORWARDED_FOR=forged_then_proxy).status_code == 429  # fmt: skip
    assert site_login(client, "alice", PASSWORD,
                      HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302  # fmt: skip


def test_with_trusted_proxies_a_request_that_skipped_them_counts_by_its_peer(
    client, alice, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    for n in range(5):
        site_login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"7.7.7.{n}")
    assert site_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="8.8.8.8").status_code == 429


def change_password(client, old):
    return client.post(reverse("accounts:password_change"), {
        "old_password": old, "new_password1": "brand-new-phrase-99",
        "new_password2": "brand-new-phrase-99"})  # fmt: skip


def test_guesses_of_the_old_password_are_limited(client, alice):
    client.force_login(alice)
    for _ in range(5):
        response = change_password(client, "wrong")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    response = change_password(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_guesses_spend_the_sign_in_budget(client, alice):
    client.force_login(alice)
    for _ in range(5):
        change_password(client, "wrong")
    assert site_login(Client(), "alice", PASSWORD).status_code == 429


def test_deletion_confirmation_guesses_are_limited(client, alice):
    client.force_login(alice)
    url = reverse("accounts:delete")
    for _ in range(5):
        assert client.post(url, {"password": "wrong"}).status_code == 400
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    alice.refresh_from_db()  # still there


def test_a_successful_sign_in_clears_the_budget(client, alice):
    for _ in range(4):
        site_login(client, "alice", "wrong")
    assert site_login(client, "ａlice", PASSWORD).status_code == 302
    for _ in range(4):
        site_login(Client(), "alice", "wrong")
    assert site_login(Client(), "alice", PASSWORD).status_code == 302
