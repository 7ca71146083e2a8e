from pathlib import Path

from django.core.management.base import CommandError

from courses.content_files import ContentError
from courses.importer import import_content
from courses.management.content_folder import ContentFolderCommand


class Command(ContentFolderCommand):
    help = "Create or update tracks, lessons, sections and questions from content files."
    folder_argument = "path"
    folder_help = "A content folder, one track folder or one lesson folder (default: content/)."

    def handle(self, *args, path, **options):
        try:
            report = import_content(Path(path))
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was imported.") from error
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {report.summary()}"))
