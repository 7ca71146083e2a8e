"""The learner: who progress and attempts belong to.

A guest is a Learner row tied to their session; a signed-in learner has a user. Keeping
both as the same model means a guest's attempts can later be moved into an account by
changing one foreign key.
"""

from django.conf import settings
from django.db import models


class Learner(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="learner",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.user.get_username() if self.user_id else f"Guest #{self.pk}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None
