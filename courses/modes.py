"""The ten learning modes: one list that the mode chooser, the URLs and progress share."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    slug: str
    name: str
    blurb: str
    available: bool = False  # False shows "Coming soon" in the chooser


MODES = (
    Mode("explanation", "Full explanation", "Every concept, the analogy and the diagram.", True),
    Mode("deep-dive", "Deep dive", "What it is, why it matters, where it fits."),
    Mode("visualize", "Visualize", "Explore the diagram, then a short quiz."),
    Mode("analogy", "Analogy", "The story, and match each idea to it."),
    Mode("flashcards", "Flashcards", "Key facts as cards you rate."),
    Mode("why-it-matters", "Why it matters", "Scenarios with before and after code."),
    Mode("practice", "Practice", "Questions with hints; nothing at stake."),
    Mode("challenge", "Challenge", "Timed, harder problems; earn a badge."),
    Mode("test", "Test this pattern", "10 graded questions: is it strong?", True),
    Mode("review", "Spaced review", "Your due cards and missed questions."),
)

MODES_BY_SLUG = {mode.slug: mode for mode in MODES}


@dataclass(frozen=True)
class ModeLink:
    mode: Mode
    minutes: int | None
    url: str | None


def mode_links(lesson) -> list[ModeLink]:
    """The chooser's entries for a lesson: each mode, its minutes, and where it lives."""
    base = lesson.get_absolute_url()
    urls = {"explanation": base, "test": f"{base}#test-this-pattern"}
    return [ModeLink(mode, lesson.minutes.get(mode.slug), urls.get(mode.slug)) for mode in MODES]
