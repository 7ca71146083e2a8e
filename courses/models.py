"""Tracks, lessons, their typed sections and their questions: what an instructor authors.

Markdown fields are stored beside their rendered, sanitised HTML (`body` / `body_html`),
rendered in `save()`; pages only ever print the HTML.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .markdown import (
    MAX_MARKDOWN_LENGTH,
    python_block,
    render_inline,
    render_markdown,
    validate_code,
    validate_markdown,
)
from .minutes import minutes_of_lesson
from .modes import mode_links
from .validation import check_question_fields


class Track(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Lesson.Status.PUBLISHED)

    def visible(self, *, drafts: bool = False):
        """What a learner may open: published lessons, and drafts too for staff previewing."""
        return self if drafts else self.published()


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, help_text="A short level tag, e.g. ml.")
    order = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True, help_text="One line for the catalogue.")
    introduction = models.TextField(
        help_text="Markdown.", max_length=MAX_MARKDOWN_LENGTH, validators=[validate_markdown]
    )
    introduction_html = models.TextField(editable=False, default="")
    minutes = models.JSONField(
        default=dict, blank=True, help_text="Minutes per mode, computed from the text on save."
    )
    # Learners see only published lessons; a draft is seen by staff through the preview.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["track__order", "order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.introduction_html = render_markdown(self.introduction)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("learning:lesson", args=[self.slug])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @classmethod
    def touch(cls, lesson_id: int) -> None:
        """Record that a part of the lesson (a section, a question) changed."""
        cls.objects.filter(pk=lesson_id).update(updated_at=timezone.now())

    def refresh_minutes(self) -> None:
        """Recompute the minutes per mode from the saved sections and questions (after the
        admin saved them), and store them if they changed."""
        minutes = minutes_of_lesson(self)
        if minutes != self.minutes:
            self.minutes = minutes
            self.save(update_fields=["minutes", "updated_at"])

    def minutes_for(self, mode: str) -> int | None:
        return self.minutes.get(mode)

    @property
    def explanation_minutes(self) -> int | None:
        return self.minutes_for("explanation")

    def mode_links(self, visited: frozenset[str] = frozenset()):
        return mode_links(self, visited)


class Section(models.Model):
    class Kind(models.TextChoices):
        CONCEPT = "concept", "Explanation concept"
        ANALOGY = "analogy", "Real-world analogy"
        DIAGRAM = "diagram", "Diagram"
        FACT = "fact", "Key fact"
        CONFUSION = "confusion", "Common confusion"
        SUMMARY = "summary", "Summary"
        DEEP_DIVE = "deep_dive", "Deep dive"
        USE_CASE = "use_case", "Use case (before / after)"

    # The kinds the full explanation shows, in the order their groups appear.
    EXPLANATION_KINDS = (
        Kind.CONCEPT,
        Kind.ANALOGY,
        Kind.DIAGRAM,
        Kind.FACT,
        Kind.CONFUSION,
        Kind.SUMMARY,
    )

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(help_text="Stable identity within the lesson; never rename.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveIntegerField(default=0)
    heading = models.CharField(max_length=300)
    body = models.TextField(
        blank=True, help_text="Markdown.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_markdown],
    )  # fmt: skip
    body_html = models.TextField(editable=False, default="")
    takeaway = models.CharField(
        max_length=500,
        blank=True,
        help_text="Concept: the one-line takeaway. Analogy: where the analogy stops working.",
        validators=[validate_markdown],
    )
    takeaway_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["lesson", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="section_key_unique_in_lesson")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.heading}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.takeaway_html = render_inline(self.takeaway)
        super().save(*args, **kwargs)


class SectionItem(models.Model):
    """A row of a section: an analogy's mapping, a diagram's box, a use case's code."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=200)
    text = models.TextField(
        blank=True, help_text="Markdown.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_markdown],
    )  # fmt: skip
    text_html = models.TextField(editable=False, default="")
    group = models.CharField(max_length=200, blank=True, help_text="Diagram: the box's group.")
    link = models.SlugField(blank=True, help_text="The key of the concept this item stands for.")

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.text_html = render_inline(self.text)
        super().save(*args, **kwargs)


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

    prompt = models.TextField(
        help_text="Markdown; a complete question.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_markdown],
    )  # fmt: skip
    prompt_html = models.TextField(editable=False, default="")
    code = models.TextField(
        blank=True, help_text="Python shown under the prompt.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_code],
    )  # fmt: skip
    code_html = models.TextField(editable=False, default="")
    expected_output = models.TextField(
        blank=True, help_text="Code output: exactly what the code prints.",
        max_length=MAX_MARKDOWN_LENGTH,
    )  # fmt: skip
    solution = models.TextField(
        help_text="Markdown: the steps that reach the answer.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_markdown],
    )  # fmt: skip
    solution_html = models.TextField(editable=False, default="")
    hint = models.CharField(max_length=500, validators=[validate_markdown])
    hint_html = models.TextField(editable=False, default="")
    quick_check = models.CharField(max_length=500, validators=[validate_markdown])
    quick_check_html = models.TextField(editable=False, default="")
    mistakes = models.TextField(
        help_text="Markdown list of common mistakes.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_markdown],
    )  # fmt: skip
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
        self.code_html = render_markdown(python_block(self.code)) if self.code else ""
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
    text = models.CharField(
        max_length=500, help_text="Markdown, one line.", validators=[validate_markdown]
    )
    text_html = models.TextField(editable=False, default="")
    is_correct = models.BooleanField(default=False)
    explanation = models.CharField(
        max_length=500, blank=True, help_text="Why this option is wrong (or right): feedback.",
        validators=[validate_markdown],
    )  # fmt: skip
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
