"""Work done outside the request: the password reset mail.

The reset view only enqueues the address it was given, so a known and an unknown address
cost the request the same; the worker (`manage.py db_worker`) finds the accounts, makes
the links and sends the mail.
"""

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task

SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
EMAIL_TEMPLATE = "accounts/password_reset_email.txt"


@task
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to every active account using `email` (none: nothing is sent).
    `domain` is the host the request came to, as the link's host and the site's name."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=EMAIL_TEMPLATE,
        )
