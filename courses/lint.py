"""Item lint: finds the question-writing flaws that exam boards' item-writing rules warn about.

This module is standalone on purpose: it imports nothing from the project's apps and works
on the small dataclasses below, so the importer, the admin form or a Question row can each
be adapted to `LintItem` in a few lines. `lint_items(items)` runs every rule and returns
`Finding`s in a fixed order (errors first, then by lesson, key and rule); `has_errors()`
says whether anything must be fixed before publishing.

Errors, which a reviewer would always reject: "all/none (or both/neither) of the above";
two options that read the same; a hint or quick check that quotes the correct answer; a wrong
option without its "why"; two near-identical stems in one lesson. Warnings, cues a test-wise
learner can exploit: a correct option far longer or shorter than the others; in a *bank*
(one lesson's items of one use), the correct option longest, shortest or at one position
more often than chance, multiple-select answers always the longest options, absolute words
marking the false statements, lopsided true/false answers; across the course, a distractor
reused in many items, near-identical stems in two lessons, and a correct option that is the
longest or shortest more or less often than chance. Findings about a bank carry an empty
`key`, and findings about the course an empty `lesson` too.

Thresholds, and why:
- Text is compared after `normalise()`: case-folded, whitespace collapsed, Markdown markers
  and prose punctuation (`.,;:!?'"()[]*_~`, backticks, dashes) dropped where they touch a
  space or an end. Punctuation inside a token stays, so `0.88`, `don't` and operators such
  as `<` and `>` still tell options apart.
- A hint or quick check quotes an answer when it contains the answer's words in order and
  the answer has at least 3 words (`MIN_REVEAL_WORDS`): shorter answers ("True", "No",
  "0.88 True", "p95 latency") are terms and numbers a hint may name for good reasons. The
  site shows the quick check only with the answer, but one that repeats the answer checks
  nothing, and other systems may show it earlier.
- Near-duplicate stems: prompt plus code, compared as word sequences with difflib's ratio.
  Within a lesson, 0.8 (`STEM_SIMILARITY`) is an error: one text lightly edited. Across
  lessons, 0.6 (`STEM_SIMILARITY_ACROSS`) is a warning: one question retold with other
  numbers scores about 0.65, while distinct questions on related scenarios stay under 0.5.
- Length cue in one item: the correct option is at least 1.5 times (`LENGTH_MARGIN`) as long
  as the next longest, or the next shortest at least 1.5 times as long as it. Items whose
  options are all under 20 characters (`MIN_CUE_LENGTH`) are skipped: numbers, terms and
  code fragments differ in length without meaning.
- Bank cues (correct option longest, shortest, or at one authored position): the count is
  tested against chance, 1/number-of-options per item, with the exact tail probability of
  such a sum of trials (Poisson binomial); p < 0.05 (`SIGNIFICANCE`) warns. Each position is
  tested on its own, with no correction for testing several. The site shuffles options, so
  position only matters when items are exported to another system.
- The same test runs over the whole course in both directions, because the fix for "the
  longest option is right" is easily overdone into "the longest option is never right",
  which lets learners rule an option out just as well.
- Multiple select: in a bank of at least 3 such items, the correct options are the longest
  ones in every item.
- True/false absolutes ("always", "never", "only", "must", …): at least 2 false statements
  use one, and the share of false statements using one exceeds that of true ones by 0.5 or
  more; "mark every absolute false" then beats chance.
- True/false balance: two-sided binomial test against 50 %, p < 0.05. A bank needs 6
  statements, all one way, before it can fire; smaller imbalances are plausibly chance.
- A wrong option reused word for word in 3 or more items is filler, not a misconception.
  Diagram quizzes are exempt: their options are the diagram's boxes by design.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

MIN_REVEAL_WORDS = 3
STEM_SIMILARITY = 0.8
STEM_SIMILARITY_ACROSS = 0.6
LENGTH_MARGIN = 1.5
MIN_CUE_LENGTH = 20
SIGNIFICANCE = 0.05
MIN_MULTIPLE_BANK = 3
ABSOLUTE_SHARE_GAP = 0.5
MIN_ABSOLUTE_FALSE = 2
MIN_DISTRACTOR_REUSE = 3


@dataclass(frozen=True)
class LintOption:
    text: str
    correct: bool = False
    why: str = ""


@dataclass(frozen=True)
class LintItem:
    lesson: str
    key: str
    kind: str  # single | multiple | code_output | true_false
    use: str = "test"  # practice | test | challenge | diagram
    difficulty: str = ""
    prompt: str = ""
    options: Sequence[LintOption] = ()
    hint: str = ""
    quick_check: str = ""
    answer: str | bool | None = None  # true/false: the truth; code output: what it prints
    code: str = ""  # compared with the prompt: code-output stems are often all alike


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    lesson: str
    key: str
    rule: str
    message: str

    def __str__(self):
        where = "/".join(part for part in (self.lesson, self.key) if part) or "course"
        return f"{self.level}: {where} [{self.rule}] {self.message}"


def error(item: LintItem, rule: str, message: str) -> Finding:
    return Finding("error", item.lesson, item.key, rule, message)


def warning(lesson: str, key: str, rule: str, message: str) -> Finding:
    return Finding("warning", lesson, key, rule, message)


# ---------------------------------------------------------------- text helpers

_LOOSE_PUNCTUATION = "[.,;:!?\"'()\\[\\]{}*_~“”‘’–—]+"
_LOOSE = re.compile(rf"(?<!\w){_LOOSE_PUNCTUATION}|{_LOOSE_PUNCTUATION}(?!\w)")
_ABOVE = re.compile(r"\b(all|none|both|neither)( of)?( the)? (above|below)(?![\w-])")
_THESE = re.compile(r"^(all|none|both|neither)( of)? (these|those|them|the (options|answers))$")
_ABSOLUTE = re.compile(r"\b(always|never|cannot|can't|can not|will not|won't|only|all|none|must)\b")


def normalise(text: str) -> str:
    text = text.replace("`", " ").replace("’", "'")
    return " ".join(_LOOSE.sub(" ", text).casefold().split())


def short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def contains_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


def stem(item: LintItem) -> list[str]:
    return normalise(f"{item.prompt} {item.code}").split()


def similar(a: list[str], b: list[str], threshold: float) -> float | None:
    """The similarity of two word lists when it reaches the threshold, else None."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # The quick ratios are upper bounds; they spare the full comparison for most pairs.
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return None
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else None


def truth(answer: str | bool | None) -> bool | None:
    if isinstance(answer, bool) or answer is None:
        return answer
    return {"true": True, "false": False}.get(normalise(answer))


def tail_probability(chances: Sequence[float], count: int) -> float:
    """P(at least `count` successes) in independent trials with these chances."""
    at = [1.0]  # at[k] = P(exactly k successes so far)
    for p in chances:
        at = [a * (1 - p) + b * p for a, b in zip(at + [0.0], [0.0] + at, strict=True)]
    return sum(at[count:])


def choice_items(items: Sequence[LintItem], kind: str) -> list[LintItem]:
    return [i for i in items if i.kind == kind and len(i.options) >= 2]


# ---------------------------------------------------------------- item errors


def all_or_none_of_the_above(item: LintItem) -> Iterator[Finding]:
    for option in item.options:
        text = normalise(option.text)
        if _ABOVE.search(text) or _THESE.match(text):
            yield error(item, "all-none-of-the-above", f"Option “{short(option.text)}”.")


def duplicate_options(item: LintItem) -> Iterator[Finding]:
    seen: dict[str, int] = defaultdict(int)
    for option in item.options:
        seen[normalise(option.text)] += 1
    for text, count in seen.items():
        if count > 1:
            yield error(item, "duplicate-options", f"{count} options read “{short(text)}”.")


def hint_reveals_answer(item: LintItem) -> Iterator[Finding]:
    answers = [o.text for o in item.options if o.correct]
    if item.kind == "code_output" and isinstance(item.answer, str):
        answers.append(item.answer)
    for answer in answers:
        words = normalise(answer)
        if len(words.split()) < MIN_REVEAL_WORDS:
            continue
        for field in ("hint", "quick_check"):
            if contains_words(normalise(getattr(item, field)), words):
                name = field.replace("_", " ")
                yield error(item, "hint-reveals-answer", f"The {name} contains “{short(answer)}”.")


def wrong_option_without_why(item: LintItem) -> Iterator[Finding]:
    for option in item.options:
        if not option.correct and not option.why.strip():
            yield error(item, "wrong-option-without-why", f"“{short(option.text)}” has no why.")


# ---------------------------------------------------------------- item warnings


def correct_option_length(item: LintItem) -> Iterator[Finding]:
    if item.kind != "single":
        return
    correct = [len(normalise(o.text)) for o in item.options if o.correct]
    others = sorted(len(normalise(o.text)) for o in item.options if not o.correct)
    if len(correct) != 1 or not others or max(correct + others) < MIN_CUE_LENGTH:
        return
    length = correct[0]
    if length >= LENGTH_MARGIN * others[-1]:
        side, other = "longest", others[-1]
    elif others[0] >= LENGTH_MARGIN * length:
        side, other = "shortest", others[0]
    else:
        return
    message = f"The correct option is the {side} by far ({length} characters, next {other})."
    yield warning(item.lesson, item.key, "correct-option-length", message)


# ---------------------------------------------------------------- lesson and bank rules


def duplicate_stems(items: Sequence[LintItem], across_lessons: bool = False) -> Iterator[Finding]:
    stems = [(item, stem(item)) for item in items]
    for (a, stem_a), (b, stem_b) in combinations(stems, 2):
        if (a.lesson != b.lesson) != across_lessons:
            continue
        threshold = STEM_SIMILARITY_ACROSS if across_lessons else STEM_SIMILARITY
        ratio = similar(stem_a, stem_b, threshold)
        if ratio is not None:
            message = f"The stem nearly repeats {b.lesson}/{b.key} (similarity {ratio:.2f})."
            if across_lessons:
                yield warning(a.lesson, a.key, "duplicate-stem-across-lessons", message)
            else:
                yield error(a, "duplicate-stem", message)


def one_answer_items(bank: Sequence[LintItem]) -> list[LintItem]:
    return [i for i in choice_items(bank, "single") if sum(o.correct for o in i.options) == 1]


def correct_index(item: LintItem) -> int:
    return next(n for n, option in enumerate(item.options) if option.correct)


def correct_is_extreme(item: LintItem, extreme: Callable[[list[int]], int]) -> bool:
    """Whether the correct option alone is the longest (max) or the shortest (min)."""
    lengths = [len(normalise(o.text)) for o in item.options]
    mine = lengths[correct_index(item)]
    return mine == extreme(lengths) and lengths.count(mine) == 1


def bank_cue(items, rule: str, what: str, hits: int, chances: list[float], note: str = ""):
    p = tail_probability(chances, hits)
    if p < SIGNIFICANCE:
        message = (
            f"In the {items[0].use} bank the correct option {what} in {hits} of {len(items)} "
            f"single-choice items (chance ≈ {sum(chances):.1f}, p = {p:.2g}).{note}"
        )
        yield warning(items[0].lesson, "", rule, message)


def bank_correct_length(bank: Sequence[LintItem]) -> Iterator[Finding]:
    items = one_answer_items(bank)
    chances = [1 / len(i.options) for i in items]
    for side, extreme in (("longest", max), ("shortest", min)):
        hits = sum(correct_is_extreme(i, extreme) for i in items)
        yield from bank_cue(items, f"bank-correct-{side}", f"is the {side}", hits, chances)


def bank_correct_position(bank: Sequence[LintItem]) -> Iterator[Finding]:
    items = one_answer_items(bank)
    note = " The site shuffles options, so this matters only for exports to other systems."
    for position in range(max((len(i.options) for i in items), default=0)):
        chances = [1 / len(i.options) if len(i.options) > position else 0.0 for i in items]
        hits = sum(correct_index(i) == position for i in items)
        what = f"is authored at position {position + 1}"
        yield from bank_cue(items, "bank-correct-position", what, hits, chances, note)


def multiple_longest_are_correct(bank: Sequence[LintItem]) -> Iterator[Finding]:
    items = choice_items(bank, "multiple")
    if len(items) < MIN_MULTIPLE_BANK:
        return
    for item in items:
        lengths = sorted((len(normalise(o.text)), o.correct) for o in item.options)
        correct = sum(o.correct for o in item.options)
        wrong, right = lengths[:-correct], lengths[-correct:]
        if not (wrong and all(r[1] for r in right) and wrong[-1][0] < right[0][0]):
            return
    message = (
        f"In the {items[0].use} bank the correct options are the longest ones in all "
        f"{len(items)} multiple-select items."
    )
    yield warning(items[0].lesson, "", "multiple-longest-correct", message)


def true_false_statements(bank: Sequence[LintItem]) -> list[tuple[LintItem, bool]]:
    pairs = [(item, truth(item.answer)) for item in bank if item.kind == "true_false"]
    return [(item, answer) for item, answer in pairs if answer is not None]


def true_false_absolutes(bank: Sequence[LintItem]) -> Iterator[Finding]:
    statements = true_false_statements(bank)
    absolute_in: dict[bool, list[bool]] = {True: [], False: []}
    for item, answer in statements:
        absolute_in[answer].append(bool(_ABSOLUTE.search(normalise(item.prompt))))
    trues, falses = absolute_in[True], absolute_in[False]
    if sum(falses) < MIN_ABSOLUTE_FALSE:
        return
    share_true = sum(trues) / len(trues) if trues else 0.0
    if sum(falses) / len(falses) - share_true >= ABSOLUTE_SHARE_GAP:
        item = statements[0][0]
        message = (
            f"In the {item.use} bank {sum(falses)} of {len(falses)} false statements use an "
            f"absolute word (always, never, only…) against {sum(trues)} of {len(trues)} "
            "true ones: “absolute means false” works as a rule."
        )
        yield warning(item.lesson, "", "true-false-absolutes", message)


def true_false_balance(bank: Sequence[LintItem]) -> Iterator[Finding]:
    statements = true_false_statements(bank)
    trues = sum(answer for _, answer in statements)
    size = len(statements)
    if not size:
        return
    p = min(1.0, 2 * tail_probability([0.5] * size, max(trues, size - trues)))
    if p < SIGNIFICANCE:
        item = statements[0][0]
        message = (
            f"In the {item.use} bank {trues} of {size} true/false statements are true "
            f"(two-sided binomial p = {p:.2g}); guessing the majority answer pays."
        )
        yield warning(item.lesson, "", "true-false-balance", message)


# ---------------------------------------------------------------- course rules


def reused_distractors(items: Sequence[LintItem]) -> Iterator[Finding]:
    where: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for item in items:
        if item.use == "diagram":
            continue
        for option in item.options:
            if not option.correct:
                where[normalise(option.text)].add((item.lesson, item.key))
    for text, places in sorted(where.items()):
        if len(places) >= MIN_DISTRACTOR_REUSE:
            (lesson, key), *rest = sorted(places)
            others = ", ".join(f"{lesson}/{key}" for lesson, key in rest)
            message = f"The distractor “{short(text)}” is reused in {others}."
            yield warning(lesson, key, "reused-distractor", message)


def course_correct_length(items: Sequence[LintItem]) -> Iterator[Finding]:
    items = one_answer_items(items)
    chances = [1 / len(i.options) for i in items]
    for side, extreme in (("longest", max), ("shortest", min)):
        hits = sum(correct_is_extreme(i, extreme) for i in items)
        more, fewer = tail_probability(chances, hits), 1 - tail_probability(chances, hits + 1)
        if min(more, fewer) < SIGNIFICANCE:
            how, act = ("more", "pick") if more < fewer else ("less", "rule out")
            message = (
                f"Across the course the correct option is the {side} in {hits} of {len(items)} "
                f"single-choice items, {how} often than chance (≈ {sum(chances):.1f}, "
                f"p = {min(more, fewer):.2g}): learners can {act} the {side} option."
            )
            yield warning("", "", f"course-correct-{side}", message)


def duplicate_stems_across_lessons(items: Sequence[LintItem]) -> Iterator[Finding]:
    return duplicate_stems(items, across_lessons=True)


# ---------------------------------------------------------------- registry and entry point

Rule = Callable[[Sequence[LintItem]], Iterable[Finding]]

ITEM_RULES: tuple[Callable[[LintItem], Iterable[Finding]], ...] = (
    all_or_none_of_the_above,
    duplicate_options,
    hint_reveals_answer,
    wrong_option_without_why,
    correct_option_length,
)
LESSON_RULES: tuple[Rule, ...] = (duplicate_stems,)
BANK_RULES: tuple[Rule, ...] = (
    bank_correct_length,
    bank_correct_position,
    multiple_longest_are_correct,
    true_false_absolutes,
    true_false_balance,
)
COURSE_RULES: tuple[Rule, ...] = (
    reused_distractors,
    duplicate_stems_across_lessons,
    course_correct_length,
)


def group_by(items: Sequence[LintItem], key: Callable[[LintItem], tuple]) -> list[list[LintItem]]:
    groups: dict[tuple, list[LintItem]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return [groups[k] for k in sorted(groups)]


def lint_items(items: Iterable[LintItem]) -> list[Finding]:
    """Every finding for these items, errors first, then by lesson, key and rule."""
    items = sorted(items, key=lambda i: (i.lesson, i.use, i.key))
    findings = [f for item in items for rule in ITEM_RULES for f in rule(item)]
    for lesson in group_by(items, lambda i: (i.lesson,)):
        findings += [f for rule in LESSON_RULES for f in rule(lesson)]
    for bank in group_by(items, lambda i: (i.lesson, i.use)):
        findings += [f for rule in BANK_RULES for f in rule(bank)]
    findings += [f for rule in COURSE_RULES for f in rule(items)]
    return sorted(findings, key=lambda f: (f.level != "error", f.lesson, f.key, f.rule, f.message))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.level == "error" for f in findings)
