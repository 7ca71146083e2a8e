"""manage.py item_report --lesson SLUG [--format table|csv|json] [--min-responses N]"""

from django.core.management.base import BaseCommand, CommandError

from courses.models import Lesson
from quizzes.item_analysis import MIN_RESPONSES, lesson_report
from quizzes.item_report import as_csv, as_json, as_table

FORMATS = {"table": as_table, "csv": as_csv, "json": as_json}


class Command(BaseCommand):
    help = "Item analysis of a lesson's test questions, from its finished test attempts."

    def add_arguments(self, parser):
        parser.add_argument("--lesson", required=True, help="The lesson's slug.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="table")
        parser.add_argument(
            "--min-responses",
            type=int,
            default=MIN_RESPONSES,
            help=f"Responses a question needs before it is judged (default {MIN_RESPONSES}).",
        )

    def handle(self, *args, lesson, format, min_responses, **options):  # noqa: A002 - the option's name
        found = Lesson.objects.filter(slug=lesson).first()
        if found is None:
            raise CommandError(f"No lesson with the slug “{lesson}”.")
        if min_responses < 1:
            raise CommandError("--min-responses must be at least 1.")
        self.stdout.write(FORMATS[format](lesson_report(found, min_responses)), ending="")
