"""What the export tests compare: a course's database state as plain values, and a folder
of files as their bytes."""

from pathlib import Path

from courses.models import Lesson, Option, Question, Section, SectionItem, Track


def course_state(track_slugs) -> dict:
    """Every authored field of the tracks' lessons, sections, items, questions and options
    (not ids or timestamps), keyed by slug and key."""
    tracks = Track.objects.filter(slug__in=track_slugs)
    state = {"tracks": sorted(tracks.values_list("slug", "title", "description", "order"))}
    lessons = list(
        Lesson.objects.filter(track__in=tracks).values(
            "slug", "track__slug", "title", "level", "order", "summary", "introduction",
            "introduction_html", "status",
        )
    )  # fmt: skip
    state["lessons"] = sorted(lessons, key=lambda lesson: lesson["slug"])
    in_tracks = {"lesson__track__in": tracks}
    state["sections"] = list(
        Section.objects.filter(**in_tracks)
        .order_by("lesson__slug", "order")
        .values_list("lesson__slug", "key", "kind", "order", "heading", "body", "takeaway",
                     "body_html")
    )  # fmt: skip
    state["items"] = list(
        SectionItem.objects.filter(section__lesson__track__in=tracks)
        .order_by("section__lesson__slug", "section__key", "order")
        .values_list("section__lesson__slug", "section__key", "order", "label", "text",
                     "group", "link")
    )  # fmt: skip
    state["questions"] = list(
        Question.objects.filter(**in_tracks)
        .order_by("lesson__slug", "key")
        .values_list("lesson__slug", "key", "use", "kind", "difficulty", "order", "is_active",
                     "prompt", "code", "expected_output", "solution", "hint", "quick_check",
                     "mistakes", "seconds", "prompt_html")
    )  # fmt: skip
    state["options"] = list(
        Option.objects.filter(question__lesson__track__in=tracks)
        .order_by("question__lesson__slug", "question__key", "order")
        .values_list("question__lesson__slug", "question__key", "order", "text", "is_correct",
                     "explanation", "confusion__key")
    )  # fmt: skip
    return state


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
