"""Questions and their options: a lesson's practice set, test bank and mode quizzes; the
graded test's attempts, and the timed challenge's runs."""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

from courses.markdown import render_inline, render_markdown
from courses.models import Lesson, Section

from .validation import check_question_fields


class QuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def practice(self):
        return self.active().filter(use=Question.Use.PRACTICE)

    def test_bank(self):
        return self.active().filter(use=Question.Use.TEST)

    def challenge(self):
        return self.active().filter(use=Question.Use.CHALLENGE)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple select"
        CODE_OUTPUT = "code_output", "Code output"
        TRUE_FALSE = "true_false", "True or false"

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    class Use(models.TextChoices):
        PRACTICE = "practice", "Practice"
        TEST = "test", "Test bank"
        CHALLENGE = "challenge", "Challenge"
        DIAGRAM = "diagram", "Diagram quiz"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(help_text="Stable identity within the lesson; never rename.")
    use = models.CharField(max_length=20, choices=Use.choices, default=Use.TEST)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    order = models.PositiveIntegerField(default=0)
    # Retired questions keep learners' history but are never drawn or shown again.
    is_active = models.BooleanField(default=True)

    prompt = models.TextField(help_text="Markdown; a complete question.")
    prompt_html = models.TextField(editable=False, default="")
    code = models.TextField(blank=True, help_text="Python shown under the prompt.")
    code_html = models.TextField(editable=False, default="")
    expected_output = models.TextField(
        blank=True, help_text="Code output: exactly what the code prints."
    )
    solution = models.TextField(help_text="Markdown: the steps that reach the answer.")
    solution_html = models.TextField(editable=False, default="")
    hint = models.CharField(max_length=500)
    hint_html = models.TextField(editable=False, default="")
    quick_check = models.CharField(max_length=500)
    quick_check_html = models.TextField(editable=False, default="")
    mistakes = models.TextField(help_text="Markdown list of common mistakes.")
    mistakes_html = models.TextField(editable=False, default="")
    seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Challenge: the time allowed."
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["lesson", "use", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="question_key_unique_in_lesson")
        ]

    def __str__(self):
        return f"{self.lesson.slug}/{self.key}"

    def save(self, *args, **kwargs):
        self.prompt_html = render_markdown(self.prompt)
        self.code_html = (
            render_markdown(f"```python\n{self.code.rstrip()}\n```") if self.code else ""
        )
        self.solution_html = render_markdown(self.solution)
        self.hint_html = render_inline(self.hint)
        self.quick_check_html = render_inline(self.quick_check)
        self.mistakes_html = render_markdown(self.mistakes)
        super().save(*args, **kwargs)

    @property
    def is_typed(self) -> bool:
        """Code-output questions are answered by typing what the code prints."""
        return self.kind == self.Kind.CODE_OUTPUT

    def clean(self):
        errors = check_question_fields(self.kind, self.code, self.expected_output)
        if errors:
            raise ValidationError(errors)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500, help_text="Markdown, one line.")
    text_html = models.TextField(editable=False, default="")
    is_correct = models.BooleanField(default=False)
    explanation = models.CharField(
        max_length=500, blank=True, help_text="Why this option is wrong (or right): feedback."
    )
    explanation_html = models.TextField(editable=False, default="")
    confusion = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": Section.Kind.CONFUSION},
        help_text="The common confusion this wrong option reflects.",
    )

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        self.text_html = render_inline(self.text)
        self.explanation_html = render_inline(self.explanation)
        super().save(*args, **kwargs)


class TestAttempt(models.Model):
    """One learner's run through a 10-question test of one lesson."""

    __test__ = False  # not a pytest test class, whatever its name

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"
        ABANDONED = "abandoned", "Abandoned"

    learner = models.ForeignKey(
        "accounts.Learner", on_delete=models.CASCADE, related_name="test_attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="test_attempts")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    seed = models.BigIntegerField(help_text="Shuffles each question's options the same way.")
    # Index of the question being answered; equals the number of questions once all are.
    position = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=10)
    strength = models.CharField(max_length=20, blank=True)
    draw_note = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson"],
                condition=models.Q(status="in_progress"),
                name="one_open_test_per_learner_and_lesson",
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("position")), name="score_within_answered"
            ),
        ]
        indexes = [models.Index(fields=["learner", "lesson", "-started_at"])]

    def __str__(self):
        return f"Test of {self.lesson_id} by learner {self.learner_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptQuestion(models.Model):
    """A question drawn into an attempt, at its position (0-based)."""

    attempt = models.ForeignKey(TestAttempt, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="one_question_per_position"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="question_once_per_attempt"
            ),
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.position + 1}"

    @property
    def number(self) -> int:
        return self.position + 1

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


class ChallengeRun(models.Model):
    """One learner's timed run through a lesson's challenge problems.

    `step` counts every change to the run or its problems; each form on the page carries
    the step it was drawn at, so a replayed, stale or double-clicked form is recognised
    (the step has moved on) and changes nothing.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"
        ABANDONED = "abandoned", "Abandoned"

    learner = models.ForeignKey(
        "accounts.Learner", on_delete=models.CASCADE, related_name="challenge_runs"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="challenge_runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
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

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson"],
                condition=models.Q(status="in_progress"),
                name="one_open_challenge_per_learner_and_lesson",
            ),
            models.CheckConstraint(
                condition=models.Q(position__lte=models.F("problem_count")),
                name="challenge_position_within_problems",
            ),
        ]
        indexes = [models.Index(fields=["learner", "lesson", "-started_at"])]

    def __str__(self):
        return f"Challenge of {self.lesson_id} by learner {self.learner_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def time_factor(self) -> int:
        return 2 if self.extended else 1


class ChallengeProblem(models.Model):
    """A challenge question in a run, at its position (0-based), with its own clock."""

    MAX_ATTEMPTS = 2

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
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "position"], name="one_problem_per_challenge_position"
            ),
            models.UniqueConstraint(
                fields=["run", "question"], name="question_once_per_challenge_run"
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

    def __str__(self):
        return f"{self.run_id}#{self.position + 1}"

    @property
    def number(self) -> int:
        return self.position + 1

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
