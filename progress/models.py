"""What a learner has done with each lesson, and their spaced-review cards.

LessonProgress is a per-lesson summary kept up to date by the services in
`progress.services`, so pages read one row per lesson instead of counting history.
"""

from django.db import models

from courses.models import Lesson, Question, Section


class LessonProgress(models.Model):
    learner = models.ForeignKey(
        "accounts.Learner", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    modes_visited = models.JSONField(default=list, blank=True)
    practice_solved = models.JSONField(
        default=list, blank=True, help_text="Keys of the practice questions solved."
    )
    tests_taken = models.PositiveIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    latest_score = models.PositiveSmallIntegerField(null=True, blank=True)
    latest_total = models.PositiveSmallIntegerField(null=True, blank=True)
    strength = models.CharField(max_length=20, default="not_started")
    review_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When this lesson's earliest review card falls due."
    )
    pattern_master_at = models.DateTimeField(null=True, blank=True)
    last_activity = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="one_progress_per_lesson")
        ]
        indexes = [models.Index(fields=["learner", "-last_activity"])]

    def __str__(self):
        return f"{self.learner} on {self.lesson_id}"

    @property
    def visited(self) -> frozenset[str]:
        return frozenset(self.modes_visited)


class ReviewCard(models.Model):
    """One thing to remember, scheduled by FSRS: a key fact, a confusion, or a missed
    test question."""

    learner = models.ForeignKey(
        "accounts.Learner", on_delete=models.CASCADE, related_name="review_cards"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")  # fmt: skip
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")  # fmt: skip
    fsrs_state = models.JSONField(help_text="The fsrs.Card, as its to_dict().")
    due = models.DateTimeField()
    reps = models.PositiveIntegerField(default=0)
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__isnull=True) ^ models.Q(question__isnull=True),
                name="card_is_a_section_or_a_question",
            ),
            # NULLs never collide in a unique constraint, so these need no condition (and
            # plain constraints let bulk_create upsert on them).
            models.UniqueConstraint(fields=["learner", "section"], name="one_card_per_section"),
            models.UniqueConstraint(fields=["learner", "question"], name="one_card_per_question"),
        ]
        indexes = [models.Index(fields=["learner", "due"])]

    def __str__(self):
        return f"Card {self.pk} of {self.learner}"
