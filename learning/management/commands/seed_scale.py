"""`manage.py seed_scale`: a production-sized history on PostgreSQL, for `make bench-scale`.

It adds, on top of the imported course: lessons cloned from the existing ones (with their
sections, items, questions and options) until there are --lessons; --learners guest
learners; and --responses graded answers, as finished 10-question tests spread over the
learners and lessons, with the progress rows and review cards those tests leave behind.
History rows go in with PostgreSQL's COPY (a million responses take well under a minute);
the course is cloned with bulk_create. Running it again adds another batch of learners
(with --skip-if-seeded, not when the database already holds that many responses).
"""

import json
import random
import time
from collections import defaultdict
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Learner
from courses import content_cache
from courses.models import Lesson, Option, Question, Section, SectionItem
from progress import scheduling
from progress.models import LessonProgress, ReviewCard
from progress.strength import Tally, strength_of
from quizzes.models import AttemptQuestion, Response, TestAttempt

QUESTIONS_PER_TEST = 10
RIGHT_CHANCE = {"easy": 0.85, "medium": 0.65, "hard": 0.45}
BATCH = 10_000  # tests per round of COPY
ATTEMPT_COLUMNS = ["id", "learner", "lesson", "status", "seed", "position", "score",
                   "question_count", "strength", "draw_note", "seen_count", "started_at",
                   "finished_at"]  # fmt: skip
RESPONSE_COLUMNS = ["slot", "selected_options", "typed_answer", "is_correct", "answered_at"]


class Command(BaseCommand):
    help = "Generate learners, lessons and a million responses on PostgreSQL (for bench-scale)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10_000)
        parser.add_argument("--lessons", type=int, default=50)
        parser.add_argument("--responses", type=int, default=1_000_000,
                            help="graded answers, in finished tests of 10 (1,000,000)")  # fmt: skip
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument("--skip-if-seeded", action="store_true",
                            help="do nothing if the database holds --responses")  # fmt: skip

    def handle(self, *args, learners, lessons, responses, seed, skip_if_seeded, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale needs PostgreSQL (it uses COPY): set DATABASE_URL=postgres://..."
            )
        if learners < 1 or lessons < 1 or responses < QUESTIONS_PER_TEST:
            raise CommandError("--learners and --lessons must be ≥ 1 and --responses ≥ 10.")
        if not Lesson.objects.exists():
            raise CommandError("No course to build on: run `manage.py import_content` first.")
        if skip_if_seeded and Response.objects.count() >= responses:
            self.stdout.write(f"Already {Response.objects.count()} responses: nothing to do.")
            return
        started = time.monotonic()
        self.random = random.Random(seed)
        with transaction.atomic():
            self._step("lessons", lambda: clone_lessons_up_to(lessons))
            banks = test_banks(lessons)
            if not banks:
                raise CommandError(f"No lesson has {QUESTIONS_PER_TEST} active test questions.")
            learner_ids = self._step("learners", lambda: create_learners(learners))
            History(self.random, banks, learner_ids).write(responses // QUESTIONS_PER_TEST, self)
        content_cache.bump_content_version()  # bulk_create sends no signals
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _step(self, label, work):
        began = time.monotonic()
        result = work()
        self.stdout.write(f"  {label}: {time.monotonic() - began:.1f} s")
        return result


# --- The course ---------------------------------------------------------------------------


def clone_lessons_up_to(total: int) -> None:
    """Copy existing lessons, whole, round-robin, until there are `total`."""
    sources = list(Lesson.objects.order_by("pk"))
    count = len(sources)
    while count < total:
        clone_lesson(sources[count % len(sources)], f"scale-{count + 1}", count + 1)
        count += 1


def _copy_rows(queryset, **changes) -> dict[int, int]:
    """Insert copies of the rows with `changes` applied (a value, or a function of the
    row); return {old id: new id}."""
    rows = list(queryset.order_by("pk"))
    old_ids = [row.pk for row in rows]
    for row in rows:
        row.pk = None
        for name, change in changes.items():
            setattr(row, name, change(row) if callable(change) else change)
    queryset.model.objects.bulk_create(rows)
    return dict(zip(old_ids, (row.pk for row in rows), strict=True))


def clone_lesson(source: Lesson, slug: str, order: int) -> Lesson:
    """A copy of a lesson with its sections, items, questions and options, rendered HTML
    included (bulk_create skips save(), so nothing is rendered again)."""
    lesson = Lesson.objects.get(pk=source.pk)
    lesson.pk, lesson.slug, lesson.order = None, slug, order
    lesson.title = f"{source.title} ({order})"
    Lesson.objects.bulk_create([lesson])
    section_map = _copy_rows(Section.objects.filter(lesson=source), lesson_id=lesson.pk)
    _copy_rows(SectionItem.objects.filter(section__lesson=source),
               section_id=lambda item: section_map[item.section_id])  # fmt: skip
    question_map = _copy_rows(Question.objects.filter(lesson=source), lesson_id=lesson.pk)
    _copy_rows(Option.objects.filter(question__lesson=source),
               question_id=lambda option: question_map[option.question_id],
               confusion_id=lambda option: section_map.get(option.confusion_id))  # fmt: skip
    return lesson


def test_banks(lessons: int) -> dict[int, list[tuple[int, str, int, list[int]]]]:
    """The first `lessons` lessons' test questions as (id, difficulty, a right option,
    the wrong options), for lessons with enough of them to draw a test."""
    banks = defaultdict(list)
    lesson_ids = list(Lesson.objects.order_by("pk").values_list("pk", flat=True)[:lessons])
    options = defaultdict(lambda: ([], []))
    for question_id, option_id, right in Option.objects.filter(
        question__lesson_id__in=lesson_ids
    ).values_list("question_id", "pk", "is_correct"):
        options[question_id][0 if right else 1].append(option_id)
    for question in Question.objects.test_bank().filter(lesson_id__in=lesson_ids):
        right, wrong = options[question.pk]
        if right:
            banks[question.lesson_id].append((question.pk, question.difficulty, right, wrong))
    return {lesson: bank for lesson, bank in banks.items() if len(bank) >= QUESTIONS_PER_TEST}


def create_learners(count: int) -> list[int]:
    """Guest learners, in batches; their ids."""
    created = Learner.objects.bulk_create([Learner() for _ in range(count)], batch_size=5000)
    return [learner.pk for learner in created]


# --- History ------------------------------------------------------------------------------


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


class History:
    """Finished tests, their drawn questions and responses, and the progress rows and
    review cards they leave, streamed into the tables with COPY."""

    def __init__(self, rng: random.Random, banks: dict, learner_ids: list[int]):
        self.random = rng
        self.banks = banks
        self.lesson_ids = sorted(banks)
        self.learner_ids = learner_ids
        self.now = timezone.now()
        # (learner, lesson) -> [tests, best, latest score, latest strength, last finish]
        self.progress = {}
        self.missed = {}  # (learner, question) -> lesson: one card each

    def write(self, attempts: int, command) -> None:
        began = time.monotonic()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor, for COPY
            self._copy_tests(raw, attempts)
            command.stdout.write(
                f"  {attempts} tests, {attempts * QUESTIONS_PER_TEST} responses: "
                f"{time.monotonic() - began:.1f} s"
            )
            began = time.monotonic()
            self._copy_progress(raw)
            self._copy_cards(raw)
            command.stdout.write(
                f"  {len(self.progress)} progress rows, {len(self.missed)} review cards: "
                f"{time.monotonic() - began:.1f} s"
            )
            for model in (TestAttempt, AttemptQuestion, LessonProgress, ReviewCard):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )

    def _copy_tests(self, raw, attempts: int) -> None:
        """In batches, so memory stays flat whatever the number of responses."""
        attempt_id, slot_id = _next_id(TestAttempt), _next_id(AttemptQuestion)
        for first in range(0, attempts, BATCH):
            self._copy_batch(raw, first, min(attempts, first + BATCH), attempt_id, slot_id)
            attempt_id += min(BATCH, attempts - first)
            slot_id += min(BATCH, attempts - first) * QUESTIONS_PER_TEST

    def _copy_batch(self, raw, first: int, stop: int, attempt_id: int, slot_id: int) -> None:
        tests, slots, responses = [], [], []
        for number in range(first, stop):
            learner = self.learner_ids[number % len(self.learner_ids)]
            turn = number // len(self.learner_ids)
            lesson = self.lesson_ids[(learner + turn) % len(self.lesson_ids)]
            finished = self.now - timedelta(minutes=self.random.randrange(1, 90 * 24 * 60))
            score, tally = self._test(attempt_id, slot_id, learner, lesson, finished,
                                      slots, responses)  # fmt: skip
            strength = strength_of(tally)
            tests.append((attempt_id, learner, lesson, "finished", self.random.randrange(2**31),
                          QUESTIONS_PER_TEST, score, QUESTIONS_PER_TEST, strength, "", 0,
                          finished - timedelta(minutes=8), finished))  # fmt: skip
            self._remember(learner, lesson, score, strength, finished)
            attempt_id += 1
            slot_id += QUESTIONS_PER_TEST
        self._copy(raw, TestAttempt, ATTEMPT_COLUMNS, tests)
        self._copy(raw, AttemptQuestion, ["id", "attempt", "question", "position"], slots)
        self._copy(raw, Response, RESPONSE_COLUMNS, responses)

    def _test(self, attempt_id, slot_id, learner, lesson, finished, slots, responses):
        drawn = self.random.sample(self.banks[lesson], QUESTIONS_PER_TEST)
        correct = hard = hard_right = 0
        for position, (question, difficulty, right, wrong) in enumerate(drawn):
            is_right = not wrong or self.random.random() < RIGHT_CHANCE.get(difficulty, 0.6)
            picked = right if is_right else [self.random.choice(wrong)]
            slots.append((slot_id + position, attempt_id, question, position))
            responses.append((slot_id + position, json.dumps(picked), "", is_right, finished))
            correct += is_right
            hard += difficulty == "hard"
            hard_right += difficulty == "hard" and is_right
            if not is_right:
                self.missed[(learner, question)] = lesson
        return correct, Tally(correct, QUESTIONS_PER_TEST, hard_right, hard)

    def _remember(self, learner, lesson, score, strength, finished) -> None:
        row = self.progress.get((learner, lesson))
        if row is None:
            self.progress[(learner, lesson)] = [1, score, score, strength, finished]
            return
        row[0] += 1
        row[1] = max(row[1], score)
        if finished > row[4]:
            row[2], row[3], row[4] = score, strength, finished

    def _copy_progress(self, raw) -> None:
        cols = ["learner", "lesson", "modes_visited", "practice_solved", "tests_taken",
                "best_score", "latest_score", "latest_total", "strength", "review_due_at",
                "last_activity"]  # fmt: skip
        visited = json.dumps(["explanation", "test"])
        due = self._card_due_dates()
        rows = [
            (learner, lesson, visited, "[]", tests, best, latest, QUESTIONS_PER_TEST, strength,
             due.get((learner, lesson)), last)
            for (learner, lesson), (tests, best, latest, strength, last) in self.progress.items()
        ]  # fmt: skip
        self._copy(raw, LessonProgress, cols, rows)

    def _card_due_dates(self) -> dict:
        """A due date for each missed question's card (some overdue, most ahead), and the
        earliest per (learner, lesson) for the progress row."""
        self.due = {}
        earliest = {}
        for key, lesson in self.missed.items():
            due = self.now + timedelta(hours=self.random.randrange(-48, 24 * 30))
            self.due[key] = due
            pair = (key[0], lesson)
            if pair not in earliest or due < earliest[pair]:
                earliest[pair] = due
        return earliest

    def _copy_cards(self, raw) -> None:
        cols = ["learner", "lesson", "question", "fsrs_state", "due", "reps", "created_at"]
        state = json.dumps(scheduling.new_state(self.now))
        rows = [
            (learner, lesson, question, state, self.due[(learner, question)], 0, self.now)
            for (learner, question), lesson in self.missed.items()
        ]
        self._copy(raw, ReviewCard, cols, rows)

    @staticmethod
    def _copy(raw, model, fields: list[str], rows) -> None:
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
