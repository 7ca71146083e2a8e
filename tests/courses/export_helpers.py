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
    state["sections"] = _rows(
        Section, tracks, ("lesson__slug",), "order",
        "key", "kind", "order", "heading", "body", "takeaway", "body_html",
    )  # fmt: skip
    state["items"] = _rows(
        SectionItem, tracks, ("section__lesson__slug", "section__key"), "order",
        "order", "label", "text", "group", "link",
    )  # fmt: skip
    state["questions"] = _rows(
        Question, tracks, ("lesson__slug",), "key",
        "key", "use", "kind", "difficulty", "order", "is_active", "prompt", "code",
        "expected_output", "solution", "hint", "quick_check", "mistakes", "seconds",
        "prompt_html",
    )  # fmt: skip
    state["options"] = _rows(
        Option, tracks, ("question__lesson__slug", "question__key"), "order",
        "order", "text", "is_correct", "explanation", "confusion__key",
    )  # fmt: skip
    return state


def _rows(model, tracks, parents: tuple[str, ...], order: str, *fields: str) -> list[tuple]:
    """The model's rows in the tracks, as `parents` (the lesson's slug first, then the keys
    that identify the row's parent) and `fields`, ordered by the parents and `order`."""
    lesson = parents[0].removesuffix("slug")
    rows = model.objects.filter(**{f"{lesson}track__in": tracks}).order_by(*parents, order)
    return list(rows.values_list(*parents, *fields))


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
