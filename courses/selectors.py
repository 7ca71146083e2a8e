"""Reads that pages share, each a fixed number of queries however big the course grows."""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404

from .models import Lesson, Option, Question, Section, SectionItem, Track


def lesson_for_learner(slug: str, *, drafts: bool = False, queryset=None) -> Lesson:
    """The lesson a learner page is about, or 404: every learner lookup by slug goes
    through here, so a draft is found only when `drafts` (staff previewing) says so."""
    queryset = Lesson.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.visible(drafts=drafts), slug=slug)


def catalogue(statuses: dict | None = None, *, drafts: bool = False) -> list[Track]:
    """Tracks with their published lessons (and drafts when previewing; two queries),
    each lesson carrying the learner's status from `statuses` (lesson id -> LessonStatus)
    as `lesson.learner_status` (`status` is the lesson's own: draft or published)."""
    lessons = Lesson.objects.visible(drafts=drafts).only(
        "track_id", "slug", "title", "level", "order", "summary", "minutes", "status"
    )
    tracks = list(Track.objects.prefetch_related(Prefetch("lessons", queryset=lessons)))
    for track in tracks:
        for lesson in track.lessons.all():
            lesson.learner_status = (statuses or {}).get(lesson.pk)
    return tracks


def track_with_status(slug: str, statuses: dict, *, drafts: bool = False):
    """A track, its published lessons (and drafts when previewing) each with `learner_status`, and
    `strong_count`: two queries."""
    lessons = Prefetch("lessons", queryset=Lesson.objects.visible(drafts=drafts))
    track = get_object_or_404(Track.objects.prefetch_related(lessons), slug=slug)
    lessons = list(track.lessons.all())
    for lesson in lessons:
        lesson.learner_status = statuses.get(lesson.pk)
    track.lesson_list = lessons
    track.strong_count = sum(
        1 for each in lessons if each.learner_status and each.learner_status.strength == "strong"
    )
    return track


def lesson_header(slug: str, *, drafts: bool = False) -> Lesson:
    """The lesson and its track, for a page's header: one query."""
    return lesson_for_learner(slug, drafts=drafts, queryset=Lesson.objects.select_related("track"))


def published_lessons() -> list[Lesson]:
    """Every published lesson with its track's title and its URL (`url`), in catalogue
    order: one query."""
    lessons = list(
        Lesson.objects.published()
        .select_related("track")
        .only("slug", "title", "level", "track__title", "track__order", "order")
    )
    for lesson in lessons:
        lesson.url = lesson.get_absolute_url()
    return lessons


def load_explanation(lesson: Lesson) -> Lesson:
    """Attach the explanation sections with their items, and the practice questions with
    their options: four queries, whatever the number of sections."""
    sections = Section.objects.filter(kind__in=Section.EXPLANATION_KINDS).prefetch_related(
        Prefetch("items", queryset=SectionItem.objects.order_by("order", "id"))
    )
    practice = Question.objects.practice().prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("order", "id"))
    )
    prefetch_related_objects(
        [lesson],
        Prefetch("sections", queryset=sections, to_attr="explanation_sections"),
        Prefetch("questions", queryset=practice, to_attr="practice_questions"),
    )
    return lesson


def group_sections(sections: list[Section]) -> dict[str, list[Section]]:
    """Sections by kind, each list in authored order (the template lays out the groups)."""
    groups: dict[str, list[Section]] = {kind: [] for kind in Section.Kind.values}
    for section in sections:
        groups[section.kind].append(section)
    return groups


# --- Mode pages -------------------------------------------------------------------------


def lesson_with_sections(slug: str, kinds: tuple, *, items: bool = False,
                         drafts: bool = False) -> Lesson:  # fmt: skip
    """The lesson and its track with its sections of `kinds` in authored order as
    `lesson.mode_sections` (with their items if asked): two queries, or three with items."""
    sections = Section.objects.filter(kind__in=kinds)
    if items:
        sections = sections.prefetch_related(
            Prefetch("items", queryset=SectionItem.objects.order_by("order", "id"))
        )
    queryset = Lesson.objects.select_related("track").prefetch_related(
        Prefetch("sections", queryset=sections, to_attr="mode_sections")
    )
    return lesson_for_learner(slug, drafts=drafts, queryset=queryset)


VISUALIZE_KINDS = (Section.Kind.CONCEPT, Section.Kind.ANALOGY, Section.Kind.DIAGRAM)


def lesson_for_visualize(slug: str, *, drafts: bool = False) -> Lesson:
    """The lesson with its concepts, analogy and diagram (with items) as `mode_sections`,
    and its active diagram-quiz questions with options as `diagram_questions`: five
    queries, whatever the size of the diagram or the bank."""
    sections = Section.objects.filter(kind__in=VISUALIZE_KINDS).prefetch_related(
        Prefetch("items", queryset=SectionItem.objects.order_by("order", "id"))
    )
    questions = (
        Question.objects.active()
        .filter(use=Question.Use.DIAGRAM)
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("order", "id")))
    )
    queryset = Lesson.objects.select_related("track").prefetch_related(
        Prefetch("sections", queryset=sections, to_attr="mode_sections"),
        Prefetch("questions", queryset=questions, to_attr="diagram_questions"),
    )
    return lesson_for_learner(slug, drafts=drafts, queryset=queryset)


@dataclass(frozen=True)
class Component:
    """A box of the diagram, with what explains it: its concept section and the analogy
    item that stands for the same concept (either may be missing)."""

    key: str  # the concept key the box links to; "" for a box that links nowhere
    box: SectionItem
    concept: Section | None
    counterpart: SectionItem | None


@dataclass
class Diagram:
    section: Section
    analogy: Section | None
    groups: list[tuple[str, list[Component]]]

    @property
    def components(self) -> dict[str, Component]:
        """The boxes that can be chosen, by concept key (the first box wins a repeated key)."""
        chosen: dict[str, Component] = {}
        for _, components in self.groups:
            for component in components:
                if component.key:
                    chosen.setdefault(component.key, component)
        return chosen


def diagram_of(sections: list[Section]) -> Diagram | None:
    """The lesson's first diagram, each box joined to its concept and analogy counterpart,
    boxes grouped as authored; None when the lesson has no diagram. No queries: it reads
    the sections and items already fetched."""
    groups = group_sections(sections)
    if not groups[Section.Kind.DIAGRAM]:
        return None
    section = groups[Section.Kind.DIAGRAM][0]
    analogy = next(iter(groups[Section.Kind.ANALOGY]), None)
    concepts = {concept.key: concept for concept in groups[Section.Kind.CONCEPT]}
    counterparts: dict[str, SectionItem] = {}
    for item in analogy.items.all() if analogy else ():
        if item.link:
            counterparts.setdefault(item.link, item)
    grouped: dict[str, list[Component]] = {}
    for box in section.items.all():
        component = Component(
            key=box.link if box.link in concepts else "",
            box=box,
            concept=concepts.get(box.link),
            counterpart=counterparts.get(box.link),
        )
        grouped.setdefault(box.group, []).append(component)
    return Diagram(section=section, analogy=analogy, groups=list(grouped.items()))
