"""Reads that pages share, each a fixed number of queries however big the course grows."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from progress.selectors import lesson_status
from quizzes.models import Option, Question

from .models import Lesson, Section, SectionItem, Track


def catalogue(statuses: dict | None = None) -> list[Track]:
    """Tracks with their lessons (two queries), each lesson carrying the learner's status
    from `statuses` (lesson id -> LessonStatus) as `lesson.status`."""
    lessons = Lesson.objects.only(
        "track_id", "slug", "title", "level", "order", "summary", "minutes"
    )
    tracks = list(Track.objects.prefetch_related(Prefetch("lessons", queryset=lessons)))
    for track in tracks:
        for lesson in track.lessons.all():
            lesson.status = (statuses or {}).get(lesson.pk)
    return tracks


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


def mode_page_context(request, lesson: Lesson, mode: str) -> dict:
    """What every mode page shows around its content: the lesson, the learner's status on
    it and the mode chooser (one query for the status)."""
    status = lesson_status(request, lesson)
    return {
        "lesson": lesson,
        "status": status,
        "current_mode": mode,
        "mode_links": lesson.mode_links(status.visited),
    }
