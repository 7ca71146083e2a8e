from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Questions and tests"

    def ready(self):
        # A guest's challenge runs move with them into an account (accounts' merge hook).
        from accounts.merging import EXTRA_MERGES

        from .challenge import merge_runs

        if merge_runs not in EXTRA_MERGES:
            EXTRA_MERGES.append(merge_runs)
