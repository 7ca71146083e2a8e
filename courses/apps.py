from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from .content_cache import watch_content_changes

        watch_content_changes(self)
