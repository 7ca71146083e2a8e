"""The Visualize mode's diagram quiz: a few questions answered on one form, graded at once.

The judging itself is the test's (`quizzes.grading.grade`); this module only pairs each
question with the learner's answer and says, per question, what was chosen and what was
right, for the result. Nothing here runs before the learner submits.
"""

from dataclasses import dataclass, field

from .grading import GradedAtOnce, grade
from .review import AnswerReview

QUIZ_LENGTH = 3


@dataclass(frozen=True)
class Answer:
    selected: list[int] = field(default_factory=list)  # option ids
    typed: str = ""  # a code-output answer


@dataclass(frozen=True)
class QuizResult(GradedAtOnce):
    results: list[AnswerReview]

    def verdicts(self) -> list[bool]:
        return [result.is_correct for result in self.results]


def grade_quiz(questions: list, answers: list[Answer]) -> QuizResult:
    """Grade one answer per question; each question carries its options as `options.all()`."""
    if len(questions) != len(answers):
        raise ValueError("one answer per question")
    results = []
    for number, (question, answer) in enumerate(zip(questions, answers, strict=True), start=1):
        options = list(question.options.all())
        correct = {option.pk for option in options if option.is_correct}
        is_correct = grade(question, correct, answer.selected, answer.typed)
        results.append(
            AnswerReview(question, options, answer.selected, answer.typed, is_correct,
                         number=number)
        )  # fmt: skip
    return QuizResult(results)
