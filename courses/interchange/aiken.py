"""Aiken files: single-choice questions as plain lines.

    What does a p95 latency of 800 ms mean?
    A. The average request takes 800 ms
    B) 95 % of requests take at most 800 ms
    C. No request takes more than 800 ms
    ANSWER: B

The question may run over several lines (blank lines inside it are kept as paragraph
breaks); each option is a capital letter, `.` or `)`, a space and its text, on one line;
`ANSWER: X` names the correct letter and ends the question. Keys are made from the prompts.

Text is read as Markdown (what `write_aiken` writes); pass `plain=True` for a file from
another system, so its `*`, `_`, `<` and the like show as typed. A trailing ```` ```python ````
block in a question is read as its code, as in GIFT.

Errors (an `AikenError` with the line): an option before any question text, a question
with fewer than two options, a letter used twice, no `ANSWER:` line after the options, an
`ANSWER:` letter with no option, a file over the size or question limits.

Aiken carries one kind only: `write_aiken` writes single-choice questions and reports the
others as skipped, as it does a question whose text would read back as an option or an
answer line. Feedback, general feedback and categories have no place in Aiken and are left
out.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .items import AikenError, ParsedOption, ParsedQuestion, ParseResult, Skipped, WriteResult
from .keys import KeyRegistry, key_from_prompt
from .markup import plain_to_markdown, split_code, with_code
from .source import MAX_PROBLEMS, MAX_QUESTIONS, decode

MAX_STEM_LINES = 500
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_OPTION = re.compile(r"([A-Z])[.)][ \t]+(\S.*)")
_ANSWER = re.compile(r"ANSWER\s*:\s*(.*)")


@dataclass
class _Draft:
    line: int
    stem: list[str] = field(default_factory=list)
    options: dict[str, tuple[str, int]] = field(default_factory=dict)  # letter → (text, line)
    refused: bool = False  # an error was already reported inside it


class _Stop(Exception):
    """Too many questions or problems: the rest of the file is not read."""


class _Reader:
    """A line-by-line state machine: question lines, then options, then ANSWER."""

    def __init__(self, source: str, plain: bool):
        self.source, self.plain = source, plain
        self.result = ParseResult()
        self.draft: _Draft | None = None
        self.keys = KeyRegistry()

    def error(self, line: int, message: str):
        self.result.errors.append(AikenError(line, message, self.source))
        if len(self.result.errors) == MAX_PROBLEMS:
            self.result.errors.append(
                AikenError(line, f"more than {MAX_PROBLEMS} problems; stopped", self.source)
            )
            raise _Stop

    def read(self, text: str) -> ParseResult:
        try:
            for number, line in enumerate(text.split("\n"), 1):
                self.read_line(number, line.rstrip())
            if self.draft and self.draft.options:
                self.missing_answer()
            elif self.draft:
                self.error(self.draft.line, "a question with no options (A. …) and no ANSWER:")
        except _Stop:
            pass
        return self.result

    def start_question(self, number: int) -> _Draft:
        if len(self.result.questions) >= MAX_QUESTIONS:
            self.error(number, f"more than {MAX_QUESTIONS} questions; split the file")
            raise _Stop
        self.draft = _Draft(number)
        return self.draft

    def read_line(self, number: int, line: str):
        stripped = line.strip()
        # Cheap checks first: most lines are question text.
        option = _OPTION.fullmatch(stripped) if stripped[1:2] in (".", ")") else None
        answer = _ANSWER.fullmatch(stripped) if stripped.startswith("ANSWER") else None
        draft = self.draft
        if draft and draft.options:
            if answer:
                self.finish(number, answer.group(1).strip())
            elif option:
                self.add_option(number, option.group(1), option.group(2).strip())
            else:  # a blank line or question text: this question ended without its answer
                self.missing_answer()
                if stripped:
                    self.read_line(number, line)
        elif answer:
            self.error(number, "an ANSWER: line with no options before it (A. …)")
            self.draft = None
        elif option:
            if draft is None:
                self.error(number, "an option with no question before it")
                self.start_question(number).refused = True  # read on to its ANSWER: line
            self.add_option(number, option.group(1), option.group(2).strip())
        elif stripped or draft:
            if draft is None:
                draft = self.start_question(number)
            if len(draft.stem) < MAX_STEM_LINES:
                draft.stem.append(line)
            elif not draft.refused:
                draft.refused = True
                self.error(draft.line, f"a question over {MAX_STEM_LINES} lines with no options")

    def add_option(self, number: int, letter: str, text: str):
        options = self.draft.options
        if letter in options:
            first = options[letter][1]
            self.error(number, f"option {letter} is given twice (also on line {first})")
            self.draft.refused = True
        options.setdefault(letter, (text, number))

    def missing_answer(self):
        self.error(self.draft.line, "no 'ANSWER: X' line after this question's options")
        self.draft = None

    def finish(self, number: int, letter: str):
        draft, self.draft = self.draft, None
        if draft.refused:
            return
        if len(draft.options) < 2:
            self.error(draft.line, "a question needs at least two options")
            return
        if not re.fullmatch(r"[A-Z]", letter):
            self.error(number, f"ANSWER: takes one capital letter, not {letter[:20]!r}")
            return
        if letter not in draft.options:
            letters = ", ".join(draft.options)
            self.error(number, f"ANSWER: {letter} names no option (the options are {letters})")
            return
        self.result.questions.append(self.question(draft, letter))

    def question(self, draft: _Draft, letter: str) -> ParsedQuestion:
        stem, code = split_code("\n".join(draft.stem).strip())
        convert = plain_to_markdown if self.plain else str
        prompt = convert(stem)
        return ParsedQuestion(
            key=self.keys.claim(key_from_prompt(prompt)),
            kind="single",
            prompt=prompt,
            code=code,
            options=[
                ParsedOption(convert(text), option_letter == letter)
                for option_letter, (text, _) in draft.options.items()
            ],
            line=draft.line,
            text_format="plain" if self.plain else "markdown",
        )


def parse_aiken(data: str | bytes, *, source: str = "<file>", plain: bool = False) -> ParseResult:
    """Read an Aiken file. Never raises on bad input: see `ParseResult.problems()`."""
    text = decode(data, source, AikenError)
    if isinstance(text, AikenError):
        return ParseResult(errors=[text])
    return _Reader(source, plain).read(text)


def write_aiken(questions: Iterable[ParsedQuestion]) -> WriteResult:
    """Aiken text for the single-choice questions; the others come back in `skipped`."""
    written, skipped = [], []
    for question in questions:
        reason = _cannot_write(question)
        if reason:
            skipped.append(Skipped(question.line, f"{question.key}: {reason}", "<export>"))
            continue
        lines = [with_code(question.prompt.strip(), question.code)]
        for letter, option in zip(_LETTERS, question.options, strict=False):
            lines.append(f"{letter}. {option.text.strip()}")
            if option.correct:
                answer = f"ANSWER: {letter}"
        lines.append(answer)
        written.append("\n".join(lines))
    return WriteResult("\n\n".join(written) + "\n" if written else "", skipped)


def _cannot_write(question: ParsedQuestion) -> str | None:
    if question.kind != "single":
        return f"a {question.kind.replace('_', '/')} question; Aiken carries single choice only"
    if len(question.correct_options) != 1 or not 2 <= len(question.options) <= 26:
        return "Aiken needs 2 to 26 options, one of them correct"
    if any("\n" in option.text.strip() or not option.text.strip() for option in question.options):
        return "an option is empty or runs over several lines; Aiken options are one line"
    for line in with_code(question.prompt.strip(), question.code).split("\n"):
        if _OPTION.fullmatch(line.strip()) or _ANSWER.fullmatch(line.strip()):
            return f"a line of its text would read as an option or an answer: {line.strip()!r}"
    return None
