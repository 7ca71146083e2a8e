"""Reads that pages share, each a fixed number of queries however big the course grows."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from quizzes.models import Option, Question

from .models import Lesson, Section, SectionItem, Track


def catalogue():
    """Tracks with their lessons: two queries."""
    lessons = Lesson.objects.only(
        "track_id", "slug", "title", "level", "order", "summary", "minutes"
    )
    return Track.objects.prefetch_related(Prefetch("lessons", queryset=lessons))


def lesson_for_explanation(slug: str) -> Lesson:
    """The lesson with its explanation sections, their items, and its practice questions
    with options: five queries, whatever the number of sections."""
    sections = Section.objects.filter(kind__in=Section.EXPLANATION_KINDS).prefetch_related(
        Prefetch("items", queryset=SectionItem.objects.order_by("order", "id"))
    )
    practice = Question.objects.practice().prefetch_related(
        Prefetch("options", queryset=Option.objects.select_related("confusion"))
    )
    queryset = Lesson.objects.select_related("track").prefetch_related(
        Prefetch("sections", queryset=sections, to_attr="explanation_sections"),
        Prefetch("questions", queryset=practice, to_attr="practice_questions"),
    )
    return get_object_or_404(queryset, slug=slug)


def group_sections(sections: list[Section]) -> dict[str, list[Section]]:
    """Sections by kind, each list in authored order (the template lays out the groups)."""
    groups: dict[str, list[Section]] = {kind: [] for kind in Section.Kind.values}
    for section in sections:
        groups[section.kind].append(section)
    return groups
