"""Tracks, lessons, their typed sections and their questions: what an instructor authors.

Markdown fields are stored beside their rendered, sanitised HTML (`body` / `body_html`),
rendered on save (`RendersMarkdown`); pages only ever print the HTML.
"""

from collections.abc import Callable

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
from .validation import check_question_fields


def markdown_text(help_text: str = "Markdown.", **options) -> models.TextField:
    """An authored Markdown field: checked on validation, at most MAX_MARKDOWN_LENGTH long."""
    return models.TextField(
        help_text=help_text,
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_markdown],
        **options,
    )


def rendered_html() -> models.TextField:
    """Where `RendersMarkdown` keeps a field's rendered HTML: never typed in by hand."""
    return models.TextField(editable=False, default="")


def render_code(code: str) -> str:
    """A question's Python, highlighted; nothing when there is none."""
    return render_markdown(python_block(code)) if code else ""


class RendersMarkdown(models.Model):
    """Renders each authored field named in `rendered` into its `<field>_html` on save, with
    the renderer given for it (block Markdown, one inline line, or code)."""

    rendered: dict[str, Callable[[str], str]] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field, render in self.rendered.items():
            setattr(self, f"{field}_html", render(getattr(self, field)))
        super().save(*args, **kwargs)


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


class Lesson(RendersMarkdown):
    rendered = {"introduction": render_markdown}

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, help_text="A short level tag, e.g. ml.")
    order = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True, help_text="One line for the catalogue.")
    introduction = markdown_text()
    introduction_html = rendered_html()
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


class Section(RendersMarkdown):
    rendered = {"body": render_markdown, "takeaway": render_inline}

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
    body = markdown_text(blank=True)
    body_html = rendered_html()
    takeaway = models.CharField(
        max_length=500,
        blank=True,
        help_text="Concept: the one-line takeaway. Analogy: where the analogy stops working.",
        validators=[validate_markdown],
    )
    takeaway_html = rendered_html()

    class Meta:
        ordering = ["lesson", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="section_key_unique_in_lesson")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.heading}"


class SectionItem(RendersMarkdown):
    """A row of a section: an analogy's mapping, a diagram's box, a use case's code."""

    rendered = {"text": render_inline}

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=200)
    text = markdown_text(blank=True)
    text_html = rendered_html()
    group = models.CharField(max_length=200, blank=True, help_text="Diagram: the box's group.")
    link = models.SlugField(blank=True, help_text="The key of the concept this item stands for.")

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self):
        return self.label


class QuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def practice(self):
        return self.active().filter(use=Question.Use.PRACTICE)

    def test_bank(self):
        return self.active().filter(use=Question.Use.TEST)

    def challenge(self):
        return self.active().filter(use=Question.Use.CHALLENGE)


class Question(RendersMarkdown):
    rendered = {
        "prompt": render_markdown,
        "code": render_code,
        "solution": render_markdown,
        "hint": render_inline,
        "quick_check": render_inline,
        "mistakes": render_markdown,
    }

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

    prompt = markdown_text("Markdown; a complete question.")
    prompt_html = rendered_html()
    code = models.TextField(
        blank=True, help_text="Python shown under the prompt.", max_length=MAX_MARKDOWN_LENGTH,
        validators=[validate_code],
    )  # fmt: skip
    code_html = rendered_html()
    expected_output = models.TextField(
        blank=True, help_text="Code output: exactly what the code prints.",
        max_length=MAX_MARKDOWN_LENGTH,
    )  # fmt: skip
    solution = markdown_text("Markdown: the steps that reach the answer.")
    solution_html = rendered_html()
    hint = models.CharField(max_length=500, validators=[validate_markdown])
    hint_html = rendered_html()
    quick_check = models.CharField(max_length=500, validators=[validate_markdown])
    quick_check_html = rendered_html()
    mistakes = markdown_text("Markdown list of common mistakes.")
    mistakes_html = rendered_html()
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

    @property
    def is_typed(self) -> bool:
        """Code-output questions are answered by typing what the code prints."""
        return self.kind == self.Kind.CODE_OUTPUT

    @property
    def choice_input(self) -> tuple[str, str]:
        """The type and name of each option's input: checkboxes named `choices` for a
        multiple select, else radios named `choice` (what the answer forms read)."""
        return ("checkbox", "choices") if self.kind == self.Kind.MULTIPLE else ("radio", "choice")

    def clean(self):
        errors = check_question_fields(self.kind, self.code, self.expected_output)
        if errors:
            raise ValidationError(errors)


class Option(RendersMarkdown):
    rendered = {"text": render_inline, "explanation": render_inline}

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(
        max_length=500, help_text="Markdown, one line.", validators=[validate_markdown]
    )
    text_html = rendered_html()
    is_correct = models.BooleanField(default=False)
    explanation = models.CharField(
        max_length=500, blank=True, help_text="Why this option is wrong (or right): feedback.",
        validators=[validate_markdown],
    )  # fmt: skip
    explanation_html = rendered_html()
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
