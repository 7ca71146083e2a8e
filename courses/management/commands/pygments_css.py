from django.conf import settings
from django.core.management.base import BaseCommand

from courses.markdown import pygments_css, pygments_dark_css

FILES = {"pygments.css": pygments_css, "pygments-dark.css": pygments_dark_css}


class Command(BaseCommand):
    help = "Write static/css/pygments.css and pygments-dark.css, the code highlighting styles."

    def handle(self, *args, **options):
        for name, make in FILES.items():
            path = settings.BASE_DIR / "static" / "css" / name
            path.write_text(make())
            self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}")
