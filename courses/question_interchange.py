"""A lesson's questions in and out of Moodle's GIFT and Aiken files (the parsers and writers
are courses/interchange; this module ties them to the database).

Import is all or nothing: the file is parsed, every question is checked with the site's
own rules (`validation.check_options`, `check_question_fields`, code-output snippets run in
the sandbox, and the item-lint errors of `lint.py`), and only if nothing is wrong are the
questions written, in one transaction. Every problem names the file and the line. Skipped
question types (short answer, matching…) are warnings, or problems with `strict`.

What the formats cannot carry, and what an import does about it:
- `solution` comes from GIFT's general feedback (`####…`), which is where an export puts it;
- `hint`, `quick_check`, `mistakes` (and `solution` without general feedback) get an explicit
  "To write" placeholder, with a warning per question, so an instructor can find them; a
  question that already exists (same key in the lesson) keeps its own text instead;
- a wrong option without feedback gets a "To write" placeholder `why` (item lint requires
  one), with a warning;
- `use` and `difficulty` come from the command (or form); an existing question keeps its
  own unless they are given.
Questions are matched by key (a GIFT `::name::` or one made from the prompt), as
`import_content` matches them, so re-importing an export updates in place.

Export writes the lesson's active questions. GIFT carries every kind: a code-output
question is written as a short-answer question whose one answer is the expected output,
with the code as a fenced ```python block at the end of a [markdown] stem, which the parser
reads back as code output (see courses/interchange/gift.py). Aiken carries single choice
only; the other questions are listed as skipped.
"""

from dataclasses import dataclass, field

from django.db import transaction

from .interchange import ParsedOption, ParsedQuestion, parse_aiken, parse_gift, write_aiken
from .interchange import write_gift as _write_gift
from .lint import LintItem, LintOption, lint_items
from .models import Lesson, Option, Question
from .validation import check_code_output, check_options, check_question_fields

FORMATS = ("gift", "aiken")
USES = ("test", "practice", "challenge")
DEFAULT_USE = "test"
DEFAULT_DIFFICULTY = "medium"
PLACEHOLDERS = {
    "solution": "1. To write: the steps that reach the answer.",
    "hint": "To write: a hint that does not give the answer away.",
    "quick_check": "To write: one line a learner can check in their head.",
    "mistakes": "- To write: a mistake learners make.",
}
WHY_PLACEHOLDER = "To write: why this option is wrong."


class QuestionImportError(Exception):
    """The file was refused; `problems` lists every reason with its file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.warnings)} warnings"
        )


@dataclass
class _Planned:
    """One parsed question and the values it will be saved with."""

    parsed: ParsedQuestion
    existing: Question | None
    values: dict
    options: list[dict]


def parse(data: str | bytes, fmt: str, source: str):
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    reader = parse_gift if fmt == "gift" else parse_aiken
    return reader(data, source=source)


def import_questions(
    data: str | bytes,
    *,
    fmt: str,
    lesson: Lesson,
    source: str = "<file>",
    use: str | None = None,
    difficulty: str | None = None,
    strict: bool = False,
) -> ImportReport:
    """Check every question in the file and write them all, or raise QuestionImportError."""
    result = parse(data, fmt, source)
    problems = result.problems(strict=strict)
    report = ImportReport(warnings=[] if strict else [str(skip) for skip in result.skipped])
    existing = {q.key: q for q in lesson.questions.prefetch_related("options")}
    planned = [
        _plan(question, existing.get(question.key), use, difficulty, source, report)
        for question in result.questions
    ]
    if not problems:
        problems = _check(planned, lesson, source)
    if problems:
        raise QuestionImportError(problems)
    if not planned:
        raise QuestionImportError([f"{source}:1: no questions to import"])
    with transaction.atomic():
        for plan in planned:
            _save(plan, lesson, report)
        Lesson.touch(lesson.pk)
    return report


def _where(source: str, question: ParsedQuestion) -> str:
    return f"{source}:{question.line}: question '{question.key}'"


def _plan(parsed, existing, use, difficulty, source, report) -> _Planned:
    values = {
        "use": use or (existing.use if existing else DEFAULT_USE),
        "difficulty": difficulty or (existing.difficulty if existing else DEFAULT_DIFFICULTY),
        "kind": parsed.kind, "prompt": parsed.prompt, "code": parsed.code,
        "expected_output": parsed.expected_output, "is_active": True,
    }  # fmt: skip
    if parsed.general_feedback.strip():
        values["solution"] = parsed.general_feedback
    missing = []
    for name, placeholder in PLACEHOLDERS.items():
        if name in values:
            continue
        if existing is not None:
            values[name] = getattr(existing, name)
        else:
            values[name] = placeholder
            missing.append(name)
    if missing:
        report.warnings.append(
            f"{_where(source, parsed)}: the format has no {', '.join(missing)}: "
            '"To write" placeholders were filled in'
        )
    options = []
    for option in parsed.options:
        why = option.feedback
        if not why.strip() and not option.correct:
            why = WHY_PLACEHOLDER
            report.warnings.append(
                f"{_where(source, parsed)}: the wrong option {option.text!r} has no feedback: "
                '"To write" placeholder filled in'
            )
        options.append({"text": option.text, "is_correct": option.correct, "explanation": why})
    return _Planned(parsed, existing, values, options)


def _check(planned: list[_Planned], lesson: Lesson, source: str) -> list[str]:
    """The site's rules, as the admin and import_content apply them; [] when all is well."""
    problems = []
    for plan in planned:
        where = _where(source, plan.parsed)
        values = plan.values
        fields = check_question_fields(values["kind"], values["code"], values["expected_output"])
        problems += [f"{where}: {problem}" for problem in fields.values()]
        problem = check_options(values["kind"], [o["is_correct"] for o in plan.options])
        if problem:
            problems.append(f"{where}: {problem}")
        for name, limit in (("hint", 500), ("quick_check", 500)):
            if len(values[name]) > limit:
                problems.append(f"{where}: the {name} is longer than {limit} characters")
        for option in plan.options:
            if len(option["text"]) > 500 or len(option["explanation"]) > 500:
                problems.append(f"{where}: an option or its feedback is over 500 characters")
    problems += _lint_errors(planned, lesson, source)
    if problems:
        return problems  # running snippets takes time: only for an otherwise good file
    for plan in planned:
        values = plan.values
        if values["kind"] != "code_output":
            continue
        old = plan.existing
        if old and (old.code, old.expected_output) == (values["code"], values["expected_output"]):
            continue
        problem = check_code_output(values["code"], values["expected_output"])
        if problem:
            problems.append(f"{_where(source, plan.parsed)}: {problem}")
    return problems


def _lint_item(lesson: Lesson, key: str, values: dict, options: list[dict]) -> LintItem:
    correct = [o for o in options if o["is_correct"]]
    answer = values["expected_output"] if values["kind"] == "code_output" else None
    if values["kind"] == "true_false" and correct:
        answer = correct[0]["text"]
    return LintItem(
        lesson=lesson.slug, key=key, kind=values["kind"], use=values["use"],
        difficulty=values["difficulty"], prompt=values["prompt"], hint=values["hint"],
        quick_check=values["quick_check"], answer=answer, code=values["code"],
        options=tuple(
            LintOption(o["text"], o["is_correct"], o["explanation"]) for o in options
        ),
    )  # fmt: skip


def _lint_errors(planned: list[_Planned], lesson: Lesson, source: str) -> list[str]:
    """Item-lint errors about the imported questions, checked beside the lesson's others
    (a near-duplicate of an existing question is an error too)."""
    imported = {plan.parsed.key: plan for plan in planned}
    items = [_lint_item(lesson, key, p.values, p.options) for key, p in imported.items()]
    for question in lesson.questions.active().prefetch_related("options"):
        if question.key in imported:
            continue
        values = {name: getattr(question, name) for name in (
            "kind", "use", "difficulty", "prompt", "hint", "quick_check", "code",
            "expected_output")}  # fmt: skip
        options = [
            {"text": o.text, "is_correct": o.is_correct, "explanation": o.explanation}
            for o in question.options.all()
        ]
        items.append(_lint_item(lesson, question.key, values, options))
    problems = []
    for finding in lint_items(items):
        if finding.level == "error" and finding.key in imported:
            plan = imported[finding.key]
            problems.append(f"{_where(source, plan.parsed)}: {finding.message} [{finding.rule}]")
    return problems


def _save(plan: _Planned, lesson: Lesson, report: ImportReport):
    question = plan.existing or Question(lesson=lesson, key=plan.parsed.key)
    fresh = question.pk is None
    if fresh:
        question.order = (
            max(lesson.questions.filter(use=plan.values["use"]).values_list("order", flat=True),
                default=0) + 1
        )  # fmt: skip
    for name, value in plan.values.items():
        setattr(question, name, value)
    question.save()
    have = [] if fresh else list(question.options.all())
    for order, values in enumerate(plan.options):
        option = have[order] if order < len(have) else Option(question=question)
        if option.pk and option.text != values["text"]:
            option.confusion = None  # the misconception was about another text
        option.order = order
        for name, value in values.items():
            setattr(option, name, value)
        option.save()
    for option in have[len(plan.options) :]:
        option.delete()
    (report.created if fresh else report.updated).append(question.key)


# --- Export --------------------------------------------------------------------------------
def parsed_question(question: Question) -> ParsedQuestion:
    """A question (options prefetched) as the interchange package's record."""
    return ParsedQuestion(
        key=question.key,
        kind=question.kind,
        prompt=question.prompt.strip(),
        options=[
            ParsedOption(option.text, option.is_correct, option.explanation)
            for option in question.options.all()
        ],
        general_feedback=question.solution,
        code=question.code,
        expected_output=question.expected_output,
        category=f"{question.lesson.slug}/{question.use}",
    )


def export_questions(lesson: Lesson, fmt: str) -> tuple[str, list[str]]:
    """The lesson's active questions as a file: (text, the questions left out and why)."""
    questions = [
        parsed_question(question)
        for question in lesson.questions.active()
        .select_related("lesson")
        .prefetch_related("options")
        .order_by("use", "order", "id")
    ]
    if fmt == "gift":
        return _write_gift(questions), []
    if fmt == "aiken":
        written = write_aiken(questions)
        return written.text, [skip.reason for skip in written.skipped]
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
