"""The graded test's attempts and responses, and the timed challenge's runs: what a
learner did with a lesson's questions."""

from collections.abc import Callable
from datetime import timedelta
from typing import Self

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from courses.models import Lesson, Question


class LessonRun(models.Model):
    """What a test attempt and a challenge run share: one learner's go at one lesson, open
    until it is finished or abandoned. Each kind declares its own fields (their order is the
    order the admin shows them in) and constraints (see `one_open_per_learner_and_lesson`)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"
        ABANDONED = "abandoned", "Abandoned"

    class Meta:
        abstract = True
        ordering = ["-started_at", "-id"]

    @classmethod
    def status_field(cls) -> models.CharField:
        """Each kind declares it among its own fields, where it always stood."""
        return models.CharField(
            max_length=20, choices=cls.Status.choices, default=cls.Status.IN_PROGRESS
        )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @classmethod
    def open_from(cls, **known) -> Self:
        """An open run built from fields known for certain, without reading it: the ones
        given are set, and reading any other (the score, say) loads it from the database."""
        known = {"status": cls.Status.IN_PROGRESS, **known}
        names = [f.attname for f in cls._meta.concrete_fields if f.attname in known]
        return cls.from_db(cls.objects.db, names, [known[name] for name in names])  # in order

    @classmethod
    def start_or_open(cls, create: Callable[[], Self], *, learner, lesson) -> tuple[Self, bool]:
        """The run `create()` starts, and True; or, when the one-open constraint refuses its
        insert (a run is already open, or a parallel start won), the learner's open run on
        the lesson, and False. `create` runs in a savepoint: a refused start writes nothing."""
        try:
            with transaction.atomic():
                return create(), True
        except IntegrityError:
            open_run = cls.objects.get(
                status=cls.Status.IN_PROGRESS, learner=learner, lesson=lesson
            )
            return open_run, False


def one_open_per_learner_and_lesson(name: str) -> models.UniqueConstraint:
    """At most one run in progress per learner and lesson: parallel starts race on it."""
    return models.UniqueConstraint(
        fields=["learner", "lesson"], condition=models.Q(status="in_progress"), name=name
    )


def drawn_once_at_each_position(
    parent: str, *, position_name: str, once_name: str
) -> list[models.UniqueConstraint]:
    """Questions drawn into an attempt or a run: one at each position, none twice."""
    return [
        models.UniqueConstraint(fields=[parent, "position"], name=position_name),
        models.UniqueConstraint(fields=[parent, "question"], name=once_name),
    ]


class TestAttempt(LessonRun):
    """One learner's run through a 10-question test of one lesson."""

    __test__ = False  # not a pytest test class, whatever its name

    # No index of their own: the composite indexes below lead with each (see Meta).
    learner = models.ForeignKey("accounts.Learner", on_delete=models.CASCADE,
                                related_name="test_attempts", db_index=False)  # fmt: skip
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="test_attempts",
                               db_index=False)  # fmt: skip
    status = LessonRun.status_field()
    seed = models.BigIntegerField(help_text="Shuffles each question's options the same way.")
    # Index of the question being answered; equals the number of questions once all are.
    position = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=10)
    strength = models.CharField(max_length=20, blank=True)
    draw_note = models.CharField(max_length=300, blank=True)
    # Drawn questions whose feedback the learner had already seen (answered in an earlier
    # attempt, finished or ended early): such a test is practice and cannot raise strength.
    seen_count = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(LessonRun.Meta):
        constraints = [
            one_open_per_learner_and_lesson("one_open_test_per_learner_and_lesson"),
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("position")), name="score_within_answered"
            ),
        ]
        # Every answer moves `position` and, when right, `score`: no index holds either,
        # so PostgreSQL updates the row in place (a HOT update) and writes no index entry.
        # With `score` indexed, each right answer added an entry to all seven indexes the
        # table then had (measured: an UPDATE took 1.8 times the CPU).
        indexes = [
            models.Index(fields=["learner", "lesson", "-started_at"]),
            # Item analysis: a lesson's finished attempts (it ranks a few thousand by score
            # in memory); and a lesson's attempts, for deleting the lesson.
            models.Index(fields=["lesson", "status"], name="attempt_lesson_status"),
            # The dashboard's latest results, read newest first: without it a learner's
            # every finished test is sorted on each visit.
            models.Index(
                fields=["learner", "-finished_at"],
                condition=models.Q(status="finished"),
                name="finished_tests_newest_first",
            ),
        ]

    def __str__(self):
        return f"Test of {self.lesson_id} by learner {self.learner_id} ({self.status})"

    @property
    def is_practice(self) -> bool:
        """It repeats questions whose answers the learner has seen: it cannot raise strength."""
        return self.seen_count > 0


class ItemAnalysis(Lesson):
    """A lesson seen through its test results: the admin's item analysis pages hang on it."""

    class Meta:
        proxy = True
        verbose_name = "item analysis"
        verbose_name_plural = "item analysis"


class DrawnQuestion(models.Model):
    """A question drawn into a test attempt or a challenge run, at its position (0-based).
    `drawn_into` names the foreign key to the attempt or run."""

    drawn_into: str

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.serializable_value(self.drawn_into)}#{self.number}"

    @property
    def number(self) -> int:
        return self.position + 1


class AttemptQuestion(DrawnQuestion):
    """A question drawn into a test attempt."""

    drawn_into = "attempt"

    attempt = models.ForeignKey(TestAttempt, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = drawn_once_at_each_position(
            "attempt",
            position_name="one_question_per_position",
            once_name="question_once_per_attempt",
        )

    @property
    def answer(self) -> "Response | None":
        """The graded response, or None while the question is unanswered."""
        try:
            return self.response
        except ObjectDoesNotExist:
            return None


class Response(models.Model):
    """A learner's graded answer. One per drawn question, enforced by the primary key."""

    slot = models.OneToOneField(
        AttemptQuestion, on_delete=models.CASCADE, primary_key=True, related_name="response"
    )
    selected_options = models.JSONField(default=list, blank=True)
    typed_answer = models.TextField(blank=True)
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.slot} ({'right' if self.is_correct else 'wrong'})"

    @property
    def is_blank(self) -> bool:
        """Never answered: the learner ended the test first, so it counts as wrong."""
        return not self.selected_options and not self.typed_answer


class ChallengeRun(LessonRun):
    """One learner's timed run through a lesson's challenge problems.

    `step` counts every change to the run or its problems; each form on the page carries
    the step it was drawn at, so a replayed, stale or double-clicked form is recognised
    (the step has moved on) and changes nothing.
    """

    learner = models.ForeignKey(
        "accounts.Learner", on_delete=models.CASCADE, related_name="challenge_runs"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="challenge_runs")
    status = LessonRun.status_field()
    extended = models.BooleanField(
        default=False, help_text="Extended time: every limit doubled (WCAG 2.2.1)."
    )
    # Index of the problem being answered, or the next one to start; equals the number of
    # problems once all are done.
    position = models.PositiveSmallIntegerField(default=0)
    problem_count = models.PositiveSmallIntegerField()
    # Still on course for Pattern Master: no miss, no second attempt, no hint, no timeout.
    clean = models.BooleanField(default=True)
    step = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(LessonRun.Meta):
        constraints = [
            one_open_per_learner_and_lesson("one_open_challenge_per_learner_and_lesson"),
            models.CheckConstraint(
                condition=models.Q(position__lte=models.F("problem_count")),
                name="challenge_position_within_problems",
            ),
        ]
        indexes = [models.Index(fields=["learner", "lesson", "-started_at"])]

    def __str__(self):
        return f"Challenge of {self.lesson_id} by learner {self.learner_id} ({self.status})"

    @property
    def time_factor(self) -> int:
        return 2 if self.extended else 1


class ChallengeProblem(DrawnQuestion):
    """A challenge question in a run, at its position (0-based), with its own clock."""

    MAX_ATTEMPTS = 2
    drawn_into = "run"

    run = models.ForeignKey(ChallengeRun, on_delete=models.CASCADE, related_name="problems")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    seconds = models.PositiveIntegerField(help_text="The time allowed, before extended time.")
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    hint_used = models.BooleanField(default=False)
    solved = models.BooleanField(default=False)
    timed_out = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last answer sent, for the review.
    selected_options = models.JSONField(default=list, blank=True)
    typed_answer = models.TextField(blank=True)

    class Meta:
        constraints = [
            *drawn_once_at_each_position(
                "run",
                position_name="one_problem_per_challenge_position",
                once_name="question_once_per_challenge_run",
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__lte=2), name="challenge_attempts_at_most_two"
            ),
            models.CheckConstraint(
                condition=models.Q(started_at__isnull=True, deadline__isnull=True)
                | models.Q(started_at__isnull=False, deadline__isnull=False),
                name="challenge_clock_has_start_and_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(solved=False) | models.Q(attempts__gte=1, timed_out=False),
                name="challenge_solved_by_an_answer_in_time",
            ),
        ]
        ordering = ["run", "position"]

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    @property
    def is_done(self) -> bool:
        return self.finished_at is not None

    @property
    def attempts_left(self) -> int:
        return self.MAX_ATTEMPTS - self.attempts

    @property
    def is_clean(self) -> bool:
        """Solved at the first attempt, in time, without the hint."""
        return self.solved and self.attempts == 1 and not self.hint_used

    @property
    def outcome(self) -> str:
        """solved, timed_out, gave_up or missed (two wrong answers); "" while open."""
        if not self.is_done:
            return ""
        if self.solved:
            return "solved"
        if self.timed_out:
            return "timed_out"
        return "missed" if self.attempts >= self.MAX_ATTEMPTS else "gave_up"

    def limit(self, factor: int) -> timedelta:
        return timedelta(seconds=self.seconds * factor)
