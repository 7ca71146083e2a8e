from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Lesson
from courses.question_interchange import (
    FORMATS,
    USES,
    QuestionImportError,
    import_questions,
)


class Command(BaseCommand):
    help = (
        "Import a GIFT or Aiken file into a lesson's questions, all or nothing "
        "(see courses/question_interchange.py for what each format carries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GIFT or Aiken file.")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--lesson", required=True, help="The lesson's slug.")
        parser.add_argument("--use", choices=USES, help="For new questions (default: test).")
        parser.add_argument("--difficulty", choices=("easy", "medium", "hard"))
        parser.add_argument(
            "--strict", action="store_true", help="Refuse the file if any question is skipped."
        )

    def handle(self, *args, file, fmt, lesson, use, difficulty, strict, **options):
        found = Lesson.objects.filter(slug=lesson).first()
        if found is None:
            raise CommandError(f"No lesson with the slug {lesson!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            report = import_questions(
                path.read_bytes(), fmt=fmt, lesson=found, source=file, use=use,
                difficulty=difficulty, strict=strict,
            )  # fmt: skip
        except QuestionImportError as error:
            raise CommandError(f"{error}\nNothing was imported.") from error
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(self.style.SUCCESS(f"Imported {file} into {lesson}: {report.summary()}"))
