"""The analogy matching exercise: pair each concept with its counterpart in the story.

Pure functions over an analogy's items (each item is a concept `label` and its
counterpart `text`). The counterparts are offered in one shuffled order that is the same
on every request for a lesson, and the page refers to them only by their position in
that order, so nothing in it says which counterpart belongs to which concept.
"""

import random
from dataclasses import dataclass
from html import unescape
from typing import Any

from django.utils.html import strip_tags

from .grading import GradedAtOnce

MIN_PAIRS = 2  # one pair is no exercise: there is nothing to choose between


def shuffled_counterparts(items: list, seed: int | str) -> list:
    """The items in the order their counterparts are offered: stable for a seed, and never
    the authored order itself (which would pair every concept with the one beside it)."""
    order = list(items)
    random.Random(f"analogy:{seed}").shuffle(order)
    if len(order) > 1 and order == list(items):
        order = order[1:] + order[:1]
    return order


def letter(position: int) -> str:
    """The label of a counterpart's 1-based position: A, B, C… then 27, 28… past Z."""
    return chr(ord("A") + position - 1) if 1 <= position <= 26 else str(position)


def plain_text(html: str) -> str:
    """Rendered inline Markdown as the plain text a native <option> can show."""
    return " ".join(unescape(strip_tags(html)).split())


@dataclass(frozen=True)
class MatchRow:
    concept: Any  # the item whose label is the concept
    chosen: Any  # the item whose counterpart the learner picked
    chosen_position: int  # 1-based position of that counterpart in the offered order
    correct_position: int

    @property
    def is_right(self) -> bool:
        return self.chosen is self.concept

    @property
    def chosen_letter(self) -> str:
        return letter(self.chosen_position)

    @property
    def correct_letter(self) -> str:
        return letter(self.correct_position)


@dataclass(frozen=True)
class MatchResult(GradedAtOnce):
    rows: list[MatchRow]

    def verdicts(self) -> list[bool]:
        return [row.is_right for row in self.rows]


def grade_matches(items: list, offered: list, picks: list[int]) -> MatchResult:
    """Grade one pick per concept (in authored order); each pick is the 1-based position of
    a counterpart in `offered`. Picks must already be validated (the form does that)."""
    if len(picks) != len(items):
        raise ValueError("one pick per concept")
    position = {id(item): number for number, item in enumerate(offered, start=1)}
    rows = [
        MatchRow(concept=item, chosen=offered[pick - 1], chosen_position=pick,
                 correct_position=position[id(item)])
        for item, pick in zip(items, picks, strict=True)
    ]  # fmt: skip
    return MatchResult(rows)
