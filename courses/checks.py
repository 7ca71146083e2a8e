"""What an author sees before publishing a lesson: its parts counted against what the
modes need, the test bank against the draw, the item lint, and what blocks publishing.

`check_lesson(lesson)` reads the lesson as saved (a fixed number of queries, plus the
course-wide lint) and returns `LessonChecks`; its `problems` are the reasons publishing is
refused. Warnings inform and never block: a cue a learner might exploit is the author's
call, an error (a hint that gives the answer away, a bank too small to draw a test) is not.
"""

from collections import Counter
from dataclasses import dataclass, field

from .lint import Finding
from .lint_sources import lint_lesson
from .models import Lesson, Question, Section
from .test_plan import TEST_LENGTH, TEST_PLAN, fresh_tests

FLASHCARD_KINDS = (Section.Kind.FACT, Section.Kind.CONFUSION)


@dataclass
class BankRow:
    difficulty: str
    label: str
    count: int
    drawn: int  # how many a test takes


@dataclass
class LessonChecks:
    sections: list[tuple[str, int]]  # (kind label, count), every kind
    bank: list[BankRow]
    bank_kinds: list[tuple[str, int]]  # (question kind label, count) in the test bank
    fresh_tests: int  # tests a learner can take before meeting a question again
    present: list[tuple[str, int]]  # practice, challenge, flashcards, diagram questions
    findings: list[Finding] = field(default_factory=list)

    @property
    def bank_size(self) -> int:
        return sum(row.count for row in self.bank)

    @property
    def retakes(self) -> int:
        return max(self.fresh_tests - 1, 0)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def problems(self) -> list[str]:
        """Why the lesson may not be published yet; empty when it may."""
        reasons = []
        if not dict(self.sections).get(Section.Kind.CONCEPT.label):
            reasons.append("The explanation has no concept section.")
        if self.bank_size < TEST_LENGTH:
            reasons.append(
                f"The test bank has {self.bank_size} active questions; a test draws {TEST_LENGTH}."
            )
        reasons += [f"{f.key or 'bank'}: {f.message} [{f.rule}]" for f in self.errors]
        return reasons


def check_lesson(lesson: Lesson) -> LessonChecks:
    kinds = Counter(lesson.sections.values_list("kind", flat=True))
    questions = list(lesson.questions.active().values_list("use", "kind", "difficulty"))
    test_bank = [(kind, difficulty) for use, kind, difficulty in questions if use == "test"]
    by_difficulty = Counter(difficulty for _, difficulty in test_bank)
    uses = Counter(use for use, _, _ in questions)
    return LessonChecks(
        sections=[(kind.label, kinds[kind.value]) for kind in Section.Kind],
        bank=[
            BankRow(level.value, level.label, by_difficulty[level.value], TEST_PLAN[level.value])
            for level in Question.Difficulty
        ],
        bank_kinds=[
            (kind.label, sum(1 for k, _ in test_bank if k == kind.value)) for kind in Question.Kind
        ],
        fresh_tests=fresh_tests(by_difficulty),
        present=[
            ("Practice questions", uses[Question.Use.PRACTICE]),
            ("Challenge problems", uses[Question.Use.CHALLENGE]),
            ("Flashcards (key facts and confusions)", sum(kinds[k] for k in FLASHCARD_KINDS)),
            ("Diagram quiz questions", uses[Question.Use.DIAGRAM]),
        ],
        findings=lint_lesson(lesson.slug),
    )
