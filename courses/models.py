"""Tracks, lessons and their typed sections: what an instructor authors.

Markdown fields are stored beside their rendered, sanitised HTML (`body` / `body_html`),
rendered in `save()`; pages only ever print the HTML.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from .content_cache import bump_content_version
from .markdown import render_inline, render_markdown
from .modes import mode_links


class Track(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bump_content_version()

    def delete(self, *args, **kwargs):
        bump_content_version()
        return super().delete(*args, **kwargs)


class Lesson(models.Model):
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, help_text="A short level tag, e.g. ml.")
    order = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True, help_text="One line for the catalogue.")
    introduction = models.TextField(help_text="Markdown.")
    introduction_html = models.TextField(editable=False, default="")
    minutes = models.JSONField(
        default=dict, blank=True, help_text='Estimated minutes per mode, e.g. {"explanation": 6}.'
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["track__order", "order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.introduction_html = render_markdown(self.introduction)
        super().save(*args, **kwargs)
        bump_content_version()  # cached pages show the change

    def get_absolute_url(self):
        return reverse("courses:lesson", args=[self.slug])

    def delete(self, *args, **kwargs):
        bump_content_version()
        return super().delete(*args, **kwargs)

    @classmethod
    def touch(cls, lesson_id: int) -> None:
        """Mark a lesson's content as changed: its cached page is rendered anew."""
        cls.objects.filter(pk=lesson_id).update(updated_at=timezone.now())
        bump_content_version()

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
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    takeaway = models.CharField(
        max_length=500,
        blank=True,
        help_text="Concept: the one-line takeaway. Analogy: where the analogy stops working.",
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
    text = models.TextField(blank=True, help_text="Markdown.")
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
