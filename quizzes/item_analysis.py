"""Item analysis of a lesson's test bank, and the difficulty calibration that follows from it.

Every statistic comes from FINISHED test attempts only (an abandoned or open attempt has no
total score to compare an item with). The database does the counting: a handful of
aggregate queries whose number does not grow with the number of responses; Python only
turns the per-question sums into ratios and correlations.

Definitions (the tests recompute each one by hand):

- responses: graded answers to the question; facility: the share of them that are right.
- point-biserial: Pearson's r between the item (1 right, 0 wrong) and the REST score (the
  attempt's score minus this item), so that an item is not correlated with itself. From
  the sums n, Σx, Σs, Σs², Σsx over the item's responses (s the attempt's score, x the
  item): Σy = Σs − Σx, Σy² = Σs² − 2Σsx + Σx, Σxy = Σsx − Σx, with y = s − x.
- upper–lower index: rank the lesson's finished attempts by score (a tie ranked by attempt
  id, the later above, so each group has exactly k = round(0.27 · N) attempts); the item's
  facility among the upper k's responses minus its facility among the lower k's.
- option use: how many responses chose each option (from `Response.selected_options`).
- median time: per response, its `answered_at` minus the previous answer's in the same
  attempt (the attempt's `started_at` for position 0); the median over the item's responses.
"""

from dataclasses import dataclass, field
from math import sqrt

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.expressions import ExpressionWrapper, Window
from django.db.models.functions import RowNumber

from courses.models import Lesson, Option, Question

from .models import AttemptQuestion, Response, TestAttempt

MIN_RESPONSES = 30  # fewer than this and no statistic of the item is judged
UPPER_LOWER_SHARE = 0.27
EASY_FACILITY_FLOOR = 0.5  # labelled easy but fewer than half get it right
HARD_FACILITY_CEILING = 0.9  # labelled hard but more than nine in ten get it right
DISCRIMINATION_FLOOR = 0.1  # a point-biserial below this does not tell learners apart
# Calibration: facility at or above the first bound suggests easy, at or above the second
# medium, below it hard.
SUGGEST_EASY_FROM = 0.8
SUGGEST_MEDIUM_FROM = 0.5


@dataclass(frozen=True)
class Flag:
    code: str  # few_responses, easy_too_hard, hard_too_easy, low_discrimination, unused_distractor
    message: str


@dataclass(frozen=True)
class OptionUse:
    option_id: int
    text: str
    is_correct: bool
    chosen: int


@dataclass
class ItemStats:
    question_id: int
    key: str
    kind: str
    difficulty: str
    is_active: bool
    responses: int
    right: int
    facility: float | None
    point_biserial: float | None
    upper_lower: float | None
    median_seconds: float | None
    options: list[OptionUse]
    flags: list[Flag] = field(default_factory=list)
    suggested_difficulty: str | None = None  # only with enough responses, else None

    @property
    def needs_relabel(self) -> bool:
        return self.suggested_difficulty not in (None, self.difficulty)


@dataclass(frozen=True)
class Bin:
    score: int
    attempts: int


@dataclass
class LessonReport:
    lesson_id: int
    slug: str
    title: str
    attempts: int
    mean_score: float | None
    score_sd: float | None  # population standard deviation of the attempts' scores
    kr20: float | None
    bins: list[Bin]
    items: list[ItemStats]  # flagged questions first
    min_responses: int
    upper_lower_group: int  # k, the number of attempts in each of the upper and lower groups

    @property
    def flagged(self) -> list[ItemStats]:
        return [item for item in self.items if item.flags]

    @property
    def relabel_suggestions(self) -> list[ItemStats]:
        return [item for item in self.items if item.needs_relabel]


def lesson_report(lesson: Lesson, min_responses: int = MIN_RESPONSES) -> LessonReport:
    """The item analysis of one lesson's test questions, in a fixed number of queries."""
    attempts = TestAttempt.objects.filter(lesson=lesson, status=TestAttempt.Status.FINISHED)
    spread = _score_spread(attempts)
    k = round_half_up(UPPER_LOWER_SHARE * spread.count)
    upper, lower = _upper_lower_groups(attempts, spread.count, k)
    sums = _item_sums(lesson, upper, lower)
    chosen = _option_counts(lesson)
    medians = _median_seconds(lesson)
    questions = (
        Question.objects.filter(lesson=lesson)
        .filter(Q(use=Question.Use.TEST, is_active=True) | Q(pk__in=list(sums)))
        .prefetch_related("options")
        .order_by("order", "id")
    )
    items = [
        _item(question, sums.get(question.pk), chosen, medians.get(question.pk), min_responses)
        for question in questions
    ]
    items.sort(key=lambda item: not item.flags)  # stable: flagged first, then bank order
    return LessonReport(
        lesson_id=lesson.pk,
        slug=lesson.slug,
        title=lesson.title,
        attempts=spread.count,
        mean_score=spread.mean,
        score_sd=sqrt(spread.variance) if spread.variance is not None else None,
        kr20=kr20(sums.values(), spread),
        bins=spread.bins,
        items=items,
        min_responses=min_responses,
        upper_lower_group=k,
    )


def round_half_up(value: float) -> int:
    """round() rounds halves to even; a group size should not depend on parity."""
    return int(value + 0.5)


@dataclass
class ScoreSpread:
    count: int
    mean: float | None
    variance: float | None  # population variance (÷ N), as KR-20 wants
    mean_length: float | None  # the mean number of questions per attempt
    bins: list[Bin]


def _score_spread(attempts) -> ScoreSpread:
    """Finished attempts per (score, length): at most a few dozen rows whatever N is."""
    rows = list(
        attempts.values("score", "question_count")
        .annotate(n=Count("id"))
        .order_by("score", "question_count")
    )
    count = sum(row["n"] for row in rows)
    per_score: dict[int, int] = {}
    for row in rows:
        per_score[row["score"]] = per_score.get(row["score"], 0) + row["n"]
    top = max((row["question_count"] for row in rows), default=0)
    bins = [Bin(score, per_score.get(score, 0)) for score in range(top + 1)] if rows else []
    if not count:
        return ScoreSpread(0, None, None, None, bins)
    total = sum(row["score"] * row["n"] for row in rows)
    squares = sum(row["score"] ** 2 * row["n"] for row in rows)
    mean = total / count
    length = sum(row["question_count"] * row["n"] for row in rows) / count
    return ScoreSpread(count, mean, squares / count - mean**2, length, bins)


@dataclass(frozen=True)
class Group:
    """Attempts at or beyond a (score, id) boundary in the ranking."""

    score: int
    attempt_id: int
    upper: bool

    def q(self, prefix: str = "") -> Q:
        score, attempt = f"{prefix}score", f"{prefix}id"
        beyond = "gt" if self.upper else "lt"
        edge = "gte" if self.upper else "lte"
        return Q(**{f"{score}__{beyond}": self.score}) | Q(
            **{score: self.score, f"{attempt}__{edge}": self.attempt_id}
        )


def _upper_lower_groups(attempts, count: int, k: int) -> tuple[Group | None, Group | None]:
    """The boundaries of the top and bottom k attempts, ranked by (score, id), in one
    query: the ranks k and N − k + 1 of a row-number window."""
    if k < 1:
        return None, None
    ranked = attempts.annotate(
        rank=Window(RowNumber(), order_by=[F("score").asc(), F("id").asc()])
    ).filter(rank__in=[k, count - k + 1])
    edges = {rank: (score, pk) for rank, score, pk in ranked.values_list("rank", "score", "id")}
    lower = Group(*edges[k], upper=False)
    upper = Group(*edges[count - k + 1], upper=True)
    return upper, lower


def _finished_responses(lesson: Lesson):
    return Response.objects.filter(
        slot__attempt__lesson=lesson, slot__attempt__status=TestAttempt.Status.FINISHED
    )


def _item_sums(lesson: Lesson, upper: Group | None, lower: Group | None) -> dict[int, dict]:
    """Per question: n, Σx, Σs, Σs², Σsx and the upper and lower groups' counts, in one
    GROUP BY over the lesson's finished responses."""
    score = F("slot__attempt__score")
    right = Q(is_correct=True)
    aggregates = {
        "n": Count("pk"),
        "right": Count("pk", filter=right),
        "s": Sum(score),
        "s2": Sum(ExpressionWrapper(score * score, output_field=IntegerField())),
        "sx": Sum(score, filter=right),
    }
    for name, group in (("upper", upper), ("lower", lower)):
        if group is not None:
            inside = group.q("slot__attempt__")
            aggregates[f"{name}_n"] = Count("pk", filter=inside)
            aggregates[f"{name}_right"] = Count("pk", filter=inside & right)
    rows = _finished_responses(lesson).values("slot__question_id").annotate(**aggregates)
    return {row.pop("slot__question_id"): row for row in rows.order_by()}


def _sql_tables() -> dict[str, str]:
    return {
        "response": Response._meta.db_table,
        "slot": AttemptQuestion._meta.db_table,
        "attempt": TestAttempt._meta.db_table,
        "option": Option._meta.db_table,
    }


# The two statistics below read inside a JSON list and over a window, which the ORM cannot
# aggregate; they are single SQL statements per database, with parameters for all values.
# Options are joined through the answered question, and the JSON list only tested for the
# option's id: unnesting every list instead makes PostgreSQL guess a hundred rows per
# response and spend longer compiling the query (JIT) than running it.
OPTION_COUNTS_SQL = """
SELECT o.id, COUNT(*)
FROM {response} r
JOIN {slot} s ON s.id = r.slot_id
JOIN {attempt} a ON a.id = s.attempt_id
JOIN {option} o ON o.question_id = s.question_id
WHERE a.lesson_id = %s AND a.status = %s AND {chosen}
GROUP BY o.id
"""
OPTION_CHOSEN = {
    "postgresql": "r.selected_options @> to_jsonb(o.id)",
    "sqlite": "EXISTS (SELECT 1 FROM json_each(r.selected_options) e WHERE e.value = o.id)",
}


def _option_counts(lesson: Lesson) -> dict[int, int]:
    """How many finished responses chose each option, by option id."""
    sql = OPTION_COUNTS_SQL.format(**_sql_tables(), chosen=OPTION_CHOSEN[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(sql, [lesson.pk, TestAttempt.Status.FINISHED])
        return {int(value): count for value, count in cursor.fetchall()}


TIMED_SQL = """
WITH timed AS (
  SELECT s.question_id AS question_id,
         {seconds} AS seconds
  FROM {response} r
  JOIN {slot} s ON s.id = r.slot_id
  JOIN {attempt} a ON a.id = s.attempt_id
  WHERE a.lesson_id = %s AND a.status = %s
)
"""
PREVIOUS_ANSWER = (
    "COALESCE(LAG(r.answered_at) OVER (PARTITION BY s.attempt_id ORDER BY s.position), "
    "a.started_at)"
)
SECONDS_BETWEEN = {
    "postgresql": f"EXTRACT(EPOCH FROM (r.answered_at - {PREVIOUS_ANSWER}))",
    "sqlite": f"(julianday(r.answered_at) - julianday({PREVIOUS_ANSWER})) * 86400.0",
}
# PostgreSQL has an ordered-set aggregate for the median; elsewhere the middle row (or the
# mean of the two middle rows) is found by numbering each question's times.
MEDIAN_SQL = {
    "postgresql": """
SELECT question_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)
FROM timed GROUP BY question_id
""",
    "sqlite": """
, ranked AS (
  SELECT question_id, seconds,
         ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY seconds) AS rn,
         COUNT(*) OVER (PARTITION BY question_id) AS cnt
  FROM timed
)
SELECT question_id, AVG(seconds) FROM ranked
WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2)
GROUP BY question_id
""",
}


def _median_seconds(lesson: Lesson) -> dict[int, float]:
    """The median time to answer each question, in seconds, by question id."""
    vendor = connection.vendor
    sql = TIMED_SQL.format(**_sql_tables(), seconds=SECONDS_BETWEEN[vendor]) + MEDIAN_SQL[vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, [lesson.pk, TestAttempt.Status.FINISHED])
        return {question_id: round(float(median), 3) for question_id, median in cursor.fetchall()}


def point_biserial(sums: dict) -> float | None:
    """r between the item and the rest score, from the sums (see the module docstring)."""
    n, x = sums["n"], sums["right"]
    y = sums["s"] - x
    y2 = sums["s2"] - 2 * (sums["sx"] or 0) + x
    xy = (sums["sx"] or 0) - x
    spread_x = n * x - x * x
    spread_y = n * y2 - y * y
    if spread_x <= 0 or spread_y <= 0:
        return None  # everyone answered alike, or every rest score is the same
    return (n * xy - x * y) / sqrt(spread_x * spread_y)


def upper_lower(sums: dict) -> float | None:
    upper_n, lower_n = sums.get("upper_n"), sums.get("lower_n")
    if not upper_n or not lower_n:
        return None  # one group never saw the item
    return sums["upper_right"] / upper_n - sums["lower_right"] / lower_n


def kr20(item_sums, spread: ScoreSpread) -> float | None:
    """KR-20 reliability of a drawn test: k/(k−1) · (1 − Σ p·q / σ²).

    Every attempt sees a draw of k (usually 10) of the bank's questions, not the same k, so
    the textbook formula (one fixed form) does not apply as it stands. We estimate the
    reliability of a typical drawn form:

    - k is the mean number of questions per finished attempt;
    - Σ p·q, the sum of the item variances of the questions an attempt saw, is averaged over
      attempts: Σ over items of n_i · p_i · q_i, divided by N (each item's variance p_i·q_i,
      from all of its responses, weighted by how many attempts saw it);
    - σ² is the population variance of the finished attempts' scores.

    When every attempt sees the whole bank (n_i = N) this is exactly the textbook KR-20.
    Differences in difficulty between drawn forms add to σ², so on a bank whose forms vary
    a lot the figure leans slightly high; the draw's fixed 3/4/3 plan keeps forms alike.
    None when there are fewer than two attempts or questions, or the scores do not vary.
    """
    if spread.count < 2 or not spread.variance or not spread.mean_length:
        return None
    k = spread.mean_length
    if k <= 1:
        return None
    item_variance = sum(
        sums["n"] * (sums["right"] / sums["n"]) * (1 - sums["right"] / sums["n"])
        for sums in item_sums
    )
    return k / (k - 1) * (1 - item_variance / spread.count / spread.variance)


def suggested_difficulty(facility: float) -> str:
    if facility >= SUGGEST_EASY_FROM:
        return Question.Difficulty.EASY
    if facility >= SUGGEST_MEDIUM_FROM:
        return Question.Difficulty.MEDIUM
    return Question.Difficulty.HARD


def _item(question, sums, chosen, median, min_responses: int) -> ItemStats:
    sums = sums or {"n": 0, "right": 0}
    n = sums["n"]
    options = [
        OptionUse(option.pk, option.text, option.is_correct, chosen.get(option.pk, 0))
        for option in question.options.all()
    ]
    item = ItemStats(
        question_id=question.pk,
        key=question.key,
        kind=question.kind,
        difficulty=question.difficulty,
        is_active=question.is_active,
        responses=n,
        right=sums["right"],
        facility=sums["right"] / n if n else None,
        point_biserial=point_biserial(sums) if n else None,
        upper_lower=upper_lower(sums) if n else None,
        median_seconds=median,
        options=options,
    )
    item.flags = flags_for(item, min_responses)
    if n >= min_responses:
        item.suggested_difficulty = suggested_difficulty(item.facility)
    return item


def flags_for(item: ItemStats, min_responses: int) -> list[Flag]:
    """What an instructor should look at. With too few responses nothing else is judged."""
    if item.responses < min_responses:
        return [
            Flag(
                "few_responses",
                f"Too few responses to judge: {item.responses} (at least {min_responses}).",
            )
        ]
    flags = []
    if item.difficulty == Question.Difficulty.EASY and item.facility < EASY_FACILITY_FLOOR:
        flags.append(
            Flag(
                "easy_too_hard",
                f"Labelled easy, but only {item.facility:.0%} answer it right "
                f"(below {EASY_FACILITY_FLOOR:.0%}).",
            )
        )
    if item.difficulty == Question.Difficulty.HARD and item.facility > HARD_FACILITY_CEILING:
        flags.append(
            Flag(
                "hard_too_easy",
                f"Labelled hard, but {item.facility:.0%} answer it right "
                f"(above {HARD_FACILITY_CEILING:.0%}).",
            )
        )
    r = item.point_biserial
    if r is None or r < DISCRIMINATION_FLOOR:
        if r is None:
            why = "it does not tell learners apart: everyone answered it alike"
        elif r < 0:
            why = f"negative discrimination ({r:.2f}): stronger learners miss it more often"
        else:
            why = f"low discrimination ({r:.2f}, below {DISCRIMINATION_FLOOR})"
        flags.append(Flag("low_discrimination", why[0].upper() + why[1:] + "."))
    for option in item.options:
        if not option.is_correct and option.chosen == 0:
            flags.append(Flag("unused_distractor", f"Nobody chose the distractor “{option.text}”."))
    return flags


class NothingToAccept(Exception):
    """None of the posted questions has a suggestion that differs from its label."""


def accept_suggestions(
    *, lesson: Lesson, question_ids: list[int], user_id: int, min_responses: int = MIN_RESPONSES
) -> list[Question]:
    """Relabel the chosen questions with the difficulty the report suggests.

    The suggestions are recomputed here, never taken from the form, so a stale or forged
    POST can only apply what the data says now. Each question is saved (so the content
    version bumps through the usual signals, and the next draw reads the new label), and
    each change is written to the admin log under the user.
    """
    report = lesson_report(lesson, min_responses)
    wanted = {item.question_id: item for item in report.relabel_suggestions}
    chosen = [wanted[pk] for pk in question_ids if pk in wanted]
    if not chosen:
        raise NothingToAccept("None of these questions has a new difficulty to accept.")
    changed = []
    with transaction.atomic():
        questions = Question.objects.select_for_update().in_bulk(
            [item.question_id for item in chosen]
        )
        for item in chosen:
            question = questions[item.question_id]
            before = question.difficulty
            question.difficulty = item.suggested_difficulty
            question.save(update_fields=["difficulty"])
            LogEntry.objects.log_actions(
                user_id,
                [question],
                CHANGE,
                change_message=(
                    f"Difficulty {before} → {question.difficulty}, accepted from item analysis "
                    f"(facility {item.facility:.2f} over {item.responses} responses)."
                ),
                single_object=True,
            )
            changed.append(question)
        Lesson.touch(lesson.pk)
    return changed
