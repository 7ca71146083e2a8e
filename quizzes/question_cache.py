"""What every question page and answer needs, from the shared cache instead of the database.

A question with its options only changes when content changes, so it lives in the content
cache (see courses.content_cache). An attempt's draw — which question sits at which
position, and whose attempt it is — never changes once made; merging a guest into an
account moves attempts, and forgets their cached draws.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch

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


def attempt_draw(attempt_id: int) -> Draw | None:
    """The attempt's draw, or None if there is no such attempt: one query on a miss."""
    if not 0 < attempt_id < 2**63:  # not an id any database could hold
        return None
    draw = cache.get(_draw_key(attempt_id))
    if draw is None:
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
        draw = Draw(attempt_id, learner_id, lesson_id, seed, tuple((r[0], r[1]) for r in rows))
        cache.set(_draw_key(attempt_id), draw, SECONDS)
    return draw


def forget_draws(attempt_ids) -> None:
    cache.delete_many([_draw_key(attempt_id) for attempt_id in attempt_ids])


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
