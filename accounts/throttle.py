"""One throttle for every password check: site and admin sign-in (through the
authentication backend), password change and the account deletion's confirmation.

Failures are counted per identity and client address together, in the shared cache: one
attacker cannot lock a learner out from everywhere, and one address cannot try many
passwords on one account. The identity is the username as Django reads it (stripped and
NFKC-normalised, as the login form and `normalize_username` do) and then case-folded, so
every spelling that could reach the same account (`ａlice`, `𝐚lice`, ` Alice `) spends
the same budget.
"""

import unicodedata

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from . import limits

MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


def identity(username: object) -> str:
    name = get_user_model().normalize_username(str(username or "").strip())
    return unicodedata.normalize("NFKC", name.casefold()).strip()


def _who(request: HttpRequest | None, username: object) -> str:
    # A check made without a request (no caller on the site does) still has a budget.
    address = limits.client_address(request) if request is not None else "-"
    return f"{identity(username)}|{address}"


def is_blocked(request: HttpRequest | None, username: object) -> bool:
    return limits.password_failures().exceeded(_who(request, username))


def record_failure(request: HttpRequest | None, username: object) -> None:
    limits.password_failures().record(_who(request, username))


def clear(request: HttpRequest | None, username: object) -> None:
    limits.password_failures().reset(_who(request, username))
