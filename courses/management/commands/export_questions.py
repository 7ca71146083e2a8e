from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Lesson
from courses.question_interchange import FORMATS, export_questions


class Command(BaseCommand):
    help = "Write a lesson's questions as a GIFT or Aiken file (to standard output without OUT)."

    def add_arguments(self, parser):
        parser.add_argument("out", nargs="?", help="The file to write (default: standard output).")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--lesson", required=True, help="The lesson's slug.")

    def handle(self, *args, out, fmt, lesson, **options):
        found = Lesson.objects.filter(slug=lesson).first()
        if found is None:
            raise CommandError(f"No lesson with the slug {lesson!r}.")
        text, skipped = export_questions(found, fmt)
        for reason in skipped:
            self.stderr.write(f"left out: {reason}")
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
