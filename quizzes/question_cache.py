"""What every question page and answer needs, from the shared cache instead of the database.

A question with its options only changes when content changes, so it lives in the content
cache (see courses.content_cache). An attempt's draw — which question sits at which
position, and whose attempt it is — never changes once made; merging a guest into an
account moves attempts, and forgets their cached draws.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from courses import content_cache
from courses.models import Option, Question

from .models import AttemptQuestion

SECONDS = 6 * 3600


@dataclass(frozen=True)
class Draw:
    attempt_id: int
    learner_id: int
    lesson_id: int
    seed: int
    slots: tuple[tuple[int, int], ...]  # (slot id, question id) by position

    @property
    def question_count(self) -> int:
        return len(self.slots)


def _draw_key(attempt_id: int) -> str:
    return f"draw2:{attempt_id}"  # draw2: Draw gained lesson_id


def attempt_draw(attempt_id: int, learner_id: int | None) -> Draw | None:
    """The attempt's draw if it is `learner_id`'s, else None: one query on a miss.

    Each process keeps its own copy beside the shared one (a page then costs no round trip
    for it), trusted only for the learner it names: merging a guest into an account moves
    the attempt to another learner and forgets the shared copy, and a process's old copy,
    which names the guest, is then never used: the shared cache or the database is asked
    again."""
    if learner_id is None or not 0 < attempt_id < 2**63:  # not an id a database could hold
        return None
    key = _draw_key(attempt_id)
    draw = content_cache.local.get(key)
    if draw is None or draw.learner_id != learner_id:
        draw = cache.get(key)
        if draw is None:
            draw = _draw_from_database(attempt_id)
            if draw is None:
                return None
            cache.set(key, draw, SECONDS)
        content_cache.local.set(key, draw, SECONDS)
    return draw if draw.learner_id == learner_id else None


def _draw_from_database(attempt_id: int) -> Draw | None:
    rows = list(
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .values_list(
            "id", "question_id", "attempt__learner_id", "attempt__lesson_id", "attempt__seed"
        )
    )
    if not rows:
        return None
    _, _, learner_id, lesson_id, seed = rows[0]
    return Draw(attempt_id, learner_id, lesson_id, seed, tuple((r[0], r[1]) for r in rows))


def forget_draws(attempt_ids) -> None:
    """Forget the shared copies (and this process's own; other processes' copies name the
    old learner and are not used again: see attempt_draw)."""
    keys = [_draw_key(attempt_id) for attempt_id in attempt_ids]
    cache.delete_many(keys)
    content_cache.local.delete_many(keys)


def cached_question(question_id: int) -> Question:
    """The question with its options (and their confusions): two queries on a miss."""
    key = content_cache.versioned_key("question", question_id)
    question = content_cache.get(key)
    if question is None:
        question = Question.objects.prefetch_related(
            Prefetch("options", queryset=Option.objects.select_related("confusion"))
        ).get(pk=question_id)
        question.option_list = list(question.options.all())
        content_cache.set(key, question, SECONDS)
    return question


def choices_html(question: Question, options: list) -> SafeString:
    """A test question's options in this order (quizzes/_test_choices.html, no errors):
    the same for every learner whose draw gave this order, so rendered once for each
    order (at most n! of them for n options)."""
    key = content_cache.versioned_key("test-choices", question.pk, *(o.pk for o in options))
    slot = SimpleNamespace(question=question, options=options)
    return content_cache.rendered_once(key, "quizzes/_test_choices.html", {"slot": slot})


# The parts of a card that depend on its question alone (context: `question`).
QUESTION_PARTS = {
    "meta": "quizzes/_question_meta.html",  # difficulty and kind
    "statement": "quizzes/_question_statement.html",  # prompt and code
    "worked": "quizzes/_worked_solution.html",  # step by step, quick check, mistakes
}


def question_part(question: Question, name: str) -> SafeString:
    """One of QUESTION_PARTS for this question, rendered once per process and content
    version: every card and review of the question shows the same HTML there."""
    key = content_cache.versioned_key("question-part", name, question.pk)
    return content_cache.rendered_once(key, QUESTION_PARTS[name], {"question": question})


def review_lines(question: Question, options: list) -> dict[tuple[int, bool], str]:
    """Each option of a question as a review lists it (quizzes/_review_option.html),
    chosen and not: {(option id, chosen): HTML}, rendered once per process and content
    version, so a review only puts the learner's lines in their order."""
    key = content_cache.versioned_key("review-lines", question.pk)

    def render() -> dict[tuple[int, bool], str]:
        return {
            (option.pk, chosen): render_to_string(
                "quizzes/_review_option.html", {"option": option, "is_chosen": chosen}
            )
            for option in options
            for chosen in (False, True)
        }

    lines = content_cache.get_or_compute(key, render, SECONDS, shared=False)
    if any((option.pk, False) not in lines for option in options):
        return render()  # options this version's lines lack (a caller's own list): drawn here
    return lines
