from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content_files import ContentError
from courses.importer import import_content


class Command(BaseCommand):
    help = "Create or update tracks, lessons, sections and questions from content files."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(settings.BASE_DIR / "content"),
            help="A content folder, one track folder or one lesson folder (default: content/).",
        )

    def handle(self, *args, path, **options):
        try:
            report = import_content(Path(path))
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was imported.") from error
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {report.summary()}"))
