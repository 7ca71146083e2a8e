"""The authentication backend: Django's ModelBackend behind the password throttle.

Every sign-in goes through here — the site's login, the admin's login and anything else
calling `authenticate()` — so none of them can be used to go on guessing once an identity
is locked out at an address, not even with the right password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if throttle.is_blocked(request, username):
            raise PermissionDenied(throttle.MESSAGE)  # stops every backend, checks nothing
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(request, username)
        else:
            throttle.clear(request, username)
        return user
