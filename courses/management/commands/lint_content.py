from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content_files import ContentError
from courses.lint import has_errors
from courses.lint_sources import lint_database, lint_folder


class Command(BaseCommand):
    help = (
        "Check questions for item-writing flaws (courses/lint.py): in a content folder, or "
        "in the database when no path is given. Exits non-zero when there are errors."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="A content folder, one track or one lesson (default: the database).",
        )

    def handle(self, *args, path=None, **options):
        try:
            findings = lint_folder(Path(path)) if path else lint_database()
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was linted.") from error
        for finding in findings:
            style = self.style.ERROR if finding.level == "error" else self.style.WARNING
            self.stdout.write(style(str(finding)))
        errors = sum(f.level == "error" for f in findings)
        summary = (
            f"{path or 'the database'}: {errors} error(s), {len(findings) - errors} warning(s)"
        )
        if has_errors(findings):
            raise CommandError(f"Item lint failed on {summary}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Item lint passed on {summary}."))
