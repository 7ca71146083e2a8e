"""Minutes per mode, computed from what a learner reads and answers, never typed by hand.

Typed estimates drifted from the text (a 3,300-word explanation said 6 minutes). Here each
mode's time is its text at a stated reading rate plus a stated time per thing to do:

- prose at `WORDS_PER_MINUTE` (200, a careful reading of technical text);
- code, in fenced blocks or a question's snippet, at `SECONDS_PER_CODE_LINE` a line: a line
  of code is read like a sentence, not like a word;
- each question: its prompt, code and options read as above, plus `SECONDS_TO_ANSWER` for
  its use (thinking and choosing); a challenge problem takes its own time limit instead;
- a flashcard `SECONDS_PER_CARD` on top of its text (recall, then rating), a matching pair
  `SECONDS_PER_MATCH`; a test asks `TEST_LENGTH` questions at its bank's average time.

`minutes_from_files(lesson_data)` serves the importer and `minutes_of_lesson(lesson)` the
admin; both feed the same `compute_minutes`, so the two agree. A mode with nothing to read
or do gets no estimate, and the chooser then shows none.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .test_plan import TEST_LENGTH

WORDS_PER_MINUTE = 200
SECONDS_PER_CODE_LINE = 5
SECONDS_TO_ANSWER = {"practice": 60, "test": 45, "diagram": 20}
CHALLENGE_SECONDS = 120  # a challenge problem with no time limit of its own gets two minutes
SECONDS_PER_CARD = 15
SECONDS_PER_MATCH = 10
DIAGRAM_QUIZ_LENGTH = 3

# Which sections each reading mode shows (the explanation's kinds match Section.EXPLANATION_KINDS).
MODE_SECTIONS = {
    "explanation": ("concept", "analogy", "diagram", "fact", "confusion", "summary"),
    "deep-dive": ("deep_dive",),
    "visualize": ("diagram",),
    "analogy": ("analogy",),
    "flashcards": ("fact", "confusion"),
    "why-it-matters": ("use_case",),
}

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class SectionText:
    kind: str
    text: str  # heading, body, takeaway and every item, joined
    items: int = 0


@dataclass(frozen=True)
class QuestionText:
    use: str
    text: str  # prompt and options, Markdown
    code: str = ""
    seconds: int | None = None


def reading_seconds(markdown: str, code: str = "") -> float:
    """Prose at WORDS_PER_MINUTE and code (fenced blocks, plus `code`) by the line."""
    blocks = [match.group(0) for match in _FENCE.finditer(markdown)]
    prose = _FENCE.sub(" ", markdown)
    code_lines = sum(_code_lines(block) - 2 for block in blocks) + _code_lines(code)
    return len(prose.split()) * 60 / WORDS_PER_MINUTE + code_lines * SECONDS_PER_CODE_LINE


def _code_lines(code: str) -> int:
    return sum(1 for line in code.splitlines() if line.strip())


def question_seconds(question: QuestionText) -> float:
    if question.use == "challenge":
        return question.seconds or CHALLENGE_SECONDS
    reading = reading_seconds(question.text, question.code)
    return reading + SECONDS_TO_ANSWER.get(question.use, 0)


def compute_minutes(introduction: str, sections: Iterable[SectionText],
                    questions: Iterable[QuestionText]) -> dict[str, int]:  # fmt: skip
    """Whole minutes per mode slug, rounded up; modes with nothing in them are left out."""
    sections, questions = list(sections), list(questions)
    seconds: dict[str, float] = {}
    for mode, kinds in MODE_SECTIONS.items():
        shown = [s for s in sections if s.kind in kinds]
        seconds[mode] = sum(reading_seconds(s.text) for s in shown)
    seconds["explanation"] += reading_seconds(introduction)
    seconds["flashcards"] += SECONDS_PER_CARD * sum(
        1 for s in sections if s.kind in MODE_SECTIONS["flashcards"]
    )
    seconds["analogy"] += SECONDS_PER_MATCH * sum(s.items for s in sections if s.kind == "analogy")
    by_use: dict[str, list[float]] = {}
    for question in questions:
        by_use.setdefault(question.use, []).append(question_seconds(question))
    seconds["practice"] = sum(by_use.get("practice", []))
    seconds["challenge"] = sum(by_use.get("challenge", []))
    seconds["visualize"] += sum(by_use.get("diagram", [])[:DIAGRAM_QUIZ_LENGTH])
    bank = by_use.get("test", [])
    seconds["test"] = sum(bank) / len(bank) * min(TEST_LENGTH, len(bank)) if bank else 0
    return {mode: math.ceil(s / 60) for mode, s in seconds.items() if s > 0}


def _joined(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def minutes_from_files(lesson) -> dict[str, int]:
    """For a `content_files.LessonData`, as the importer reads it."""
    sections = [
        SectionText(
            s.kind,
            _joined(s.heading, s.body, s.takeaway, *(_joined(i.label, i.text) for i in s.items)),
            len(s.items),
        )
        for s in lesson.sections
    ]
    questions = [
        QuestionText(q.use, _joined(q.prompt, *(o.text for o in q.options)), q.code, q.seconds)
        for q in lesson.questions
    ]
    return compute_minutes(lesson.introduction, sections, questions)


def minutes_of_lesson(lesson) -> dict[str, int]:
    """For a saved `Lesson`, from its sections and active questions: three queries."""
    sections = [
        SectionText(
            s.kind,
            _joined(
                s.heading, s.body, s.takeaway, *(_joined(i.label, i.text) for i in s.items.all())
            ),
            len(s.items.all()),
        )  # fmt: skip
        for s in lesson.sections.prefetch_related("items")
    ]
    questions = [
        QuestionText(
            q.use, _joined(q.prompt, *(o.text for o in q.options.all())), q.code, q.seconds
        )  # fmt: skip
        for q in lesson.questions.filter(is_active=True).prefetch_related("options")
    ]
    return compute_minutes(lesson.introduction, sections, questions)
