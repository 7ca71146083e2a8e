from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from . import sandbox  # noqa: F401 - registers its deploy check
        from .content_cache import watch_content_changes

        watch_content_changes(self)
