from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .merging import adopt_guest_on_login

        # Accounts sits below the rows a guest owns (attempts, progress), so it cannot move
        # them itself: Django's own login signal hands the merge to this layer.
        user_logged_in.connect(adopt_guest_on_login, dispatch_uid="adopt-guest-on-login")
