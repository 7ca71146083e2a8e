"""One answered question as every mode shows it afterwards: the test's feedback and result,
a practice solution, a challenge problem's review, and the diagram quiz's results.

Built only after grading (or once the learner asked to see the solution), so the right
answer reaches a page only through this object.
"""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from courses.models import Option, Question

from . import question_cache


@dataclass
class AnswerReview:
    question: Question
    options: list[Option]  # in the order the learner saw them
    selected: list[int] = field(default_factory=list)  # the option ids chosen
    typed: str = ""  # a code-output answer
    is_correct: bool | None = None  # None: not graded (a solution the learner asked for)
    revealed: bool = False  # the learner asked to see the solution
    number: int = 0  # the question's number on its page, where it has one

    @property
    def chosen(self) -> list[Option]:
        return [option for option in self.options if option.pk in self.selected]

    @property
    def option_lines(self) -> SafeString:
        """Each option in the learner's order, marked right and chosen: lines rendered
        once per question (question_cache.review_lines), put in this learner's order."""
        lines = question_cache.review_lines(self.question, self.options)
        html = "".join(lines[(o.pk, o.pk in self.selected)] for o in self.options)
        return mark_safe(html)  # noqa: S308 - our own template's output, from sanitised fields

    @property
    def confusions(self) -> list:
        """The common confusions the learner's wrong choices reflect."""
        return [o.confusion for o in self.chosen if o.confusion_id and not o.is_correct]

    @property
    def shown(self) -> list[Option]:
        """The options worth listing in a short review: the chosen and the right ones."""
        return [o for o in self.options if o.is_correct or o.pk in self.selected]


def review_of_slot(slot) -> AnswerReview:
    """A test question's review: `slot` is an AttemptQuestion with its shuffled `options`
    and its graded response."""
    response = slot.response
    return AnswerReview(
        question=slot.question, options=slot.options, selected=response.selected_options,
        typed=response.typed_answer, is_correct=response.is_correct, number=slot.number,
    )  # fmt: skip


def review_of_problem(problem) -> AnswerReview:
    """A finished challenge problem's review, with the learner's last answer; the solution
    counts as revealed unless the learner solved it."""
    return AnswerReview(
        question=problem.question, options=list(problem.question.options.all()),
        selected=problem.selected_options, typed=problem.typed_answer,
        is_correct=problem.solved, revealed=not problem.solved, number=problem.number,
    )  # fmt: skip
