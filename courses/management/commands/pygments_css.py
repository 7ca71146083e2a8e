from django.conf import settings
from django.core.management.base import BaseCommand

from courses.markdown import pygments_css

PATH = settings.BASE_DIR / "static" / "css" / "pygments.css"


class Command(BaseCommand):
    help = "Write static/css/pygments.css, the light and dark code highlighting styles."

    def handle(self, *args, **options):
        PATH.write_text(pygments_css())
        self.stdout.write(f"Wrote {PATH.relative_to(settings.BASE_DIR)}")
