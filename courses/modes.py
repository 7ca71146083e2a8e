"""The ten learning modes: one list that the mode chooser, the URLs and progress share."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Mode:
    slug: str
    name: str
    blurb: str
    url_name: str  # a mode whose URL is not routed yet shows "Coming soon"
    per_lesson: bool = True  # False: one page across all lessons (spaced review)


MODES = (
    Mode("explanation", "Full explanation", "Every concept, the analogy and the diagram.",
         "learning:lesson"),
    Mode("deep-dive", "Deep dive", "What it is, why it matters, where it fits.",
         "learning:deep-dive"),
    Mode("visualize", "Visualize", "Explore the diagram, then a short quiz.", "learning:visualize"),
    Mode("analogy", "Analogy", "The story, and match each idea to it.", "learning:analogy"),
    Mode("flashcards", "Flashcards", "Key facts as cards you rate.", "learning:flashcards"),
    Mode("why-it-matters", "Why it matters", "Scenarios with before and after code.",
         "learning:why-it-matters"),
    Mode("practice", "Practice", "Questions with hints; nothing at stake.", "learning:practice"),
    Mode("challenge", "Challenge", "Timed, harder problems; earn a badge.", "learning:challenge"),
    Mode("test", "Test this pattern", "10 graded questions: is it strong?", "learning:lesson"),
    Mode("review", "Spaced review", "Your due cards and missed questions.", "learning:review",
         per_lesson=False),
)  # fmt: skip

MODES_BY_SLUG = {mode.slug: mode for mode in MODES}
# Modes a learner marks as done themselves; the others record a visit when they are used.
SELF_MARKED = {"explanation", "deep-dive", "visualize", "analogy", "why-it-matters"}


@dataclass(frozen=True)
class ModeLink:
    mode: Mode
    minutes: int | None
    url: str | None
    visited: bool = False


def mode_url(mode: Mode, lesson_slug: str) -> str | None:
    try:
        url = reverse(mode.url_name, args=[lesson_slug] if mode.per_lesson else [])
    except NoReverseMatch:
        return None
    return f"{url}#test-this-pattern" if mode.slug == "test" else url


def mode_links(lesson, visited: frozenset[str] = frozenset()) -> list[ModeLink]:
    """The chooser's entries for a lesson: each mode, its minutes, its URL, and whether the
    learner has been there."""
    return [
        ModeLink(mode, lesson.minutes.get(mode.slug), mode_url(mode, lesson.slug),
                 mode.slug in visited)
        for mode in MODES
    ]  # fmt: skip
