"""Moodle GIFT files: read them into `ParsedQuestion`s, and write `ParsedQuestion`s as GIFT.

What is read, and as what:
- `{=right ~wrong}` → single choice. Feedback per answer with `#…`; general feedback with
  `####…` before the closing brace.
- `{~%50%a ~%50%b ~%-100%c}` (no `=`) → multiple select: a positive weight is a correct
  option, zero or negative a wrong one. With only one positive weight it is single choice.
- `{T}`, `{TRUE}`, `{F}`, `{FALSE}` → true/false, options "True" and "False";
  `{T#shown to a wrong answer#shown to a right answer}` as in Moodle.
- `::name::` → the question's key, slugified to lowercase-with-dashes; a name with nothing
  usable in it is an error. With no name, a key is made from the prompt.
- `[markdown]`, `[html]`, `[plain]`, `[moodle]` before a text: Markdown is kept; plain and
  moodle (GIFT's default) are escaped so they render as typed; HTML is kept as text for the
  site's sanitiser, and `text_format` records it.
- `//` comment lines, questions over several lines, blank lines between questions,
  `$CATEGORY:` lines (recorded on the questions that follow), and the escapes `\\=`, `\\~`,
  `\\#`, `\\{`, `\\}`, `\\:`, `\\n`, `\\\\` (and `\\>`, see below).

Code-output questions have no GIFT kind. They are written as a short-answer question whose
one answer is the expected output, `{=…}`, with the code as a fenced ```` ```python ````
block ending the `[markdown]` stem; such a short answer is read back as code output (any
other short answer is skipped). A trailing Python block in any question's stem is read as
its `code`, so code shown with a choice question also survives the trip. GIFT trims
answers, so leading and trailing blank space of the expected output is not carried (the
site compares output without trailing space and final newlines anyway). To keep `->` in an
answer from reading as a matching question it is written `-\\>`; this parser reads `\\>` as
`>` (Moodle would show the backslash).

Skipped (a `Skipped` with the line): essay `{}`, numerical `{#…}`, matching `{=a -> b}`,
other short answers, missing-word questions (text after the closing brace), descriptions
(no braces), partial credit beside a `=` answer, and several `=` answers in a choice.

Errors (a `GiftError` with the line): an unclosed or stray brace, a brace inside the
answers, a weight that is not a number from -100 to 100, a choice with no correct answer or
fewer than two answers, an empty answer, a `::name` not closed, an unusable or repeated
name, a file over 2 MB or 100,000 lines, or with more than 2,000 questions (see `source`).

Reading is one pass of a small tokenizer (one regular expression without nested
backtracking) feeding a state machine per question, so time grows linearly with the input.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .items import TEXT_FORMATS, GiftError, ParsedOption, ParsedQuestion, ParseResult, Skipped
from .keys import KeyRegistry, key_from_prompt, slugify_key
from .markup import plain_to_markdown, split_code, with_code
from .source import MAX_PROBLEMS, MAX_QUESTIONS, decode

MAX_NAME_LENGTH = 255
MAX_TOKENS = 10_000  # a real question has a few hundred at most

# Text (with its escapes) | a run of '#' | a symbol. Possessive quantifiers and alternatives
# that start with different characters: no input can make the engine backtrack.
_TOKEN = re.compile(
    r"(?P<text>(?:[^\\{}=~#:\-]++|\\.|\\\Z|:(?!:)|-(?!>))++)"
    r"|(?P<hashes>\#++)"
    r"|(?P<symbol>::|->|[{}=~])",
    re.DOTALL,
)
_ESCAPES = (
    ("\\:", ":"),
    ("\\#", "#"),
    ("\\=", "="),
    ("\\{", "{"),
    ("\\}", "}"),
    ("\\~", "~"),
    ("\\n", "\n"),
    ("\\>", ">"),
)
_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Malformed(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _Skip(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


# --- Reading: the file into blocks of lines ------------------------------------------------


@dataclass
class _Block:
    """One question's lines (comments removed), joined, with their line numbers."""

    text: str
    starts: list[int]  # offset of each line in `text`
    numbers: list[int]  # that line's number in the file

    def line_at(self, offset: int) -> int:
        return self.numbers[bisect_right(self.starts, offset) - 1]

    @property
    def first_line(self) -> int:
        return self.numbers[0]

    def without_first_line(self) -> "_Block | None":
        if len(self.numbers) == 1:
            return None
        cut = self.starts[1]
        return _Block(self.text[cut:], [s - cut for s in self.starts[1:]], self.numbers[1:])


def _block_of(lines: list[str], numbers: list[int]) -> _Block:
    lines[0] = lines[0].lstrip()
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return _Block("\n".join(lines), starts, numbers)


def _blocks(text: str) -> Iterator[_Block]:
    lines: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if lines:
                yield _block_of(lines, numbers)
                lines, numbers = [], []
            continue
        lines.append(line.rstrip())
        numbers.append(number)
    if lines:
        yield _block_of(lines, numbers)


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    # Split on escaped backslashes first, so "\\\\n" stays a backslash and an "n".
    return "\\".join(_unescape_part(part) for part in raw.split("\\\\"))


def _unescape_part(part: str) -> str:
    if "\\" in part:
        for escaped, char in _ESCAPES:
            part = part.replace(escaped, char)
    return part


# --- Reading: one block into a question ----------------------------------------------------


@dataclass
class _Token:
    kind: str  # "text", "#", or the symbol itself: "::", "->", "{", "}", "=", "~"
    value: str  # the text, unescaped; a symbol's own characters
    line: int


def _tokens(block: _Block) -> Iterator[_Token]:
    for match in _TOKEN.finditer(block.text):
        kind = match.lastgroup
        value = match.group()
        if kind == "text":
            yield _Token("text", _unescape(value), block.line_at(match.start()))
        else:
            yield _Token("#" if kind == "hashes" else value, value, block.line_at(match.start()))


@dataclass
class _Scanned:
    """A question split at its braces: name, stem, the answers' tokens."""

    name: str = ""
    name_line: int = 0
    stem: list[str] = field(default_factory=list)
    answers: list[_Token] = field(default_factory=list)
    brace_line: int = 0


def _scan(block: _Block) -> _Scanned:
    """Walk the tokens once: name → stem → answers → (nothing) after the closing brace."""
    scanned = _Scanned()
    state = "start"
    name: list[str] = []
    for count, token in enumerate(_tokens(block)):
        if count > MAX_TOKENS:
            raise _Malformed(block.first_line, "the question is too long or too complex to read")
        if state == "start":
            state = "stem"
            if token.kind == "::":
                state, scanned.name_line = "name", token.line
                continue
        if state == "name":
            if token.kind == "::":
                scanned.name = "".join(name).strip()
                state = "stem"
                continue
            name.append(token.value)
            if "\n" in token.value or sum(map(len, name)) > MAX_NAME_LENGTH:
                raise _Malformed(scanned.name_line, "the ::name is not closed with '::'")
        elif state == "stem":
            if token.kind == "{":
                state, scanned.brace_line = "answers", token.line
            elif token.kind == "}":
                raise _Malformed(token.line, "a '}' with no '{' before it (write \\} for a brace)")
            else:
                scanned.stem.append(token.value)
        elif state == "answers":
            if token.kind == "{":
                raise _Malformed(
                    token.line,
                    f"a '{{' inside the answers opened on line {scanned.brace_line} "
                    "(close them with '}', or write \\{ for a brace)",
                )
            if token.kind == "}":
                state = "after"
            else:
                scanned.answers.append(token)
        elif token.value.strip():
            raise _Skip(
                block.first_line,
                "a missing-word question (text after the answers): the site has no such kind",
            )
    if state == "name":
        raise _Malformed(scanned.name_line, "the ::name is not closed with '::'")
    if state in ("start", "stem"):
        raise _Skip(block.first_line, "no answers in braces: a description, not a question")
    if state == "answers":
        raise _Malformed(
            scanned.brace_line,
            "the '{' that opens the answers is never closed with '}' "
            "(before a blank line or the end of the file)",
        )
    return scanned


def _read_text(raw: str, default_format: str) -> tuple[str, str]:
    """Strip a leading [format] marker: (format, text)."""
    text = raw.strip()
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in TEXT_FORMATS:
            return text[1:end], text[end + 1 :].strip()
    return default_format, text


def _markdown(text: str, text_format: str) -> str:
    # HTML stays as text: the site's sanitiser cleans it when the question is saved.
    return plain_to_markdown(text) if text_format in ("plain", "moodle") else text


def _rich_text(raw: str, default_format: str) -> str:
    """An answer's or a feedback's text, as Markdown."""
    text_format, text = _read_text(raw, default_format)
    return _markdown(text, text_format)


def _split_general_feedback(tokens: list[_Token]) -> tuple[list[_Token], str]:
    for index, token in enumerate(tokens):
        if token.kind == "#" and len(token.value) >= 4:
            before = tokens[:index]
            if len(token.value) > 4:  # "#####": the first hashes belong to the answer
                before.append(_Token("#", token.value[:-4], token.line))
            return before, "".join(t.value for t in tokens[index + 1 :])
    return tokens, ""


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    line: int
    text: list[str] = field(default_factory=list)
    feedback: list[str] | None = None

    def add(self, token: _Token):
        if self.feedback is not None:
            self.feedback.append(token.value)
        elif token.kind == "#":
            self.feedback = [token.value[1:]]
        else:
            self.text.append(token.value)

    def weight_and_text(self) -> tuple[float | None, str]:
        """Split off a %weight%; the weight must be a number from -100 to 100."""
        text = "".join(self.text).strip()
        if not text.startswith("%"):
            return None, text
        end = text.find("%", 1)
        if end < 0:
            raise _Malformed(self.line, "a weight with no closing '%' (write ~%50%answer)")
        written = text[1:end].strip()
        if not _NUMBER.fullmatch(written):
            raise _Malformed(self.line, f"the weight '%{written[:20]}%' is not a number")
        weight = float(written)
        if not -100 <= weight <= 100:
            raise _Malformed(self.line, f"the weight {written}% is not between -100 and 100")
        return weight, text[end + 1 :]


def _split_answers(tokens: list[_Token]) -> list[_Answer]:
    answers: list[_Answer] = []
    for token in tokens:
        if token.kind in ("=", "~"):
            answers.append(_Answer(token.kind, token.line))
        elif answers:
            answers[-1].add(token)
        elif token.value.strip():
            raise _Malformed(
                token.line,
                f"text before the first answer ({token.value.strip()[:30]!r}); "
                "each answer starts with = or ~",
            )
    return answers


def _read_question(block: _Block) -> ParsedQuestion:
    scanned = _scan(block)
    line = scanned.name_line or block.first_line
    text_format, stem = _read_text("".join(scanned.stem), "moodle")
    prompt, code = split_code(stem) if text_format != "html" else (stem, "")
    prompt = _markdown(prompt, text_format)
    if not prompt.strip():
        raise _Malformed(line, "the question has no text before its answers")
    tokens, general = _split_general_feedback(scanned.answers)
    question = ParsedQuestion(
        key="",
        kind="",
        prompt=prompt,
        code=code,
        general_feedback=_rich_text(general, text_format),
        line=line,
        name=scanned.name,
        text_format=text_format,
    )
    content = "".join(token.value for token in tokens).strip()
    kinds = {token.kind for token in tokens}
    if not content:
        raise _Skip(line, "an essay question ({}): the site has no essay kind")
    if content.startswith("#"):
        raise _Skip(line, "a numerical question ({#…}): the site has no numerical kind")
    if "~" in kinds:
        _read_choice(question, _split_answers(tokens))
    elif "=" in kinds and "->" in kinds:
        raise _Skip(line, "a matching question (=a -> b): the site has no matching kind")
    elif "=" in kinds:
        _read_short_answer(question, _split_answers(tokens))
    elif _true_false_answer(tokens) is not None:
        _read_true_false(question, tokens)
    else:  # Moodle reads {answer} as a short answer too
        raise _Skip(line, "a short-answer question: the site has no short-answer kind")
    return question


def _read_choice(question: ParsedQuestion, answers: list[_Answer]):
    if len(answers) < 2:
        raise _Malformed(question.line, "a choice question needs at least two answers")
    has_equals = any(answer.marker == "=" for answer in answers)
    for answer in answers:
        weight, text = answer.weight_and_text()
        text = _rich_text(text, question.text_format)
        if not text:
            raise _Malformed(answer.line, "an answer with no text")
        if has_equals and answer.marker == "~" and weight is not None and weight > 0:
            raise _Skip(
                question.line,
                "partial credit (~%…%) beside a = answer: the site grades all or nothing",
            )
        correct = answer.marker == "=" or (weight is not None and weight > 0)
        feedback = _rich_text("".join(answer.feedback or []), question.text_format)
        question.options.append(ParsedOption(text, correct, feedback, weight))
    correct_count = len(question.correct_options)
    if correct_count == 0:
        raise _Malformed(
            question.line, "no correct answer: mark one with = or give it a positive ~%weight%"
        )
    if has_equals and correct_count > 1:
        raise _Skip(
            question.line,
            "several = answers: single choice has exactly one correct option "
            "(for choose-all-that-apply, give the correct ones ~%weights%)",
        )
    question.kind = "single" if correct_count == 1 else "multiple"


def _true_false_answer(tokens: list[_Token]) -> bool | None:
    before_feedback = []
    for token in tokens:
        if token.kind == "#":
            break
        before_feedback.append(token.value)
    return _TRUE_FALSE.get("".join(before_feedback).strip().upper())


def _read_true_false(question: ParsedQuestion, tokens: list[_Token]):
    # As in Moodle: T#feedback to a wrong answer#feedback to a right answer.
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token.kind != "#":
            parts[-1].append(token.value)
            continue
        for _ in token.value:
            if len(parts) < 3:
                parts.append([])
            else:
                parts[-1].append("#")
    texts = ["".join(part) for part in parts] + ["", ""]
    answer = _TRUE_FALSE[texts[0].strip().upper()]
    wrong = _rich_text(texts[1], question.text_format)
    right = _rich_text(texts[2], question.text_format)
    question.kind = "true_false"
    question.options = [
        ParsedOption("True", answer, right if answer else wrong),
        ParsedOption("False", not answer, wrong if answer else right),
    ]


def _read_short_answer(question: ParsedQuestion, answers: list[_Answer]):
    if len(answers) != 1:
        raise _Skip(question.line, "a short-answer question: the site has no short-answer kind")
    weight, text = answers[0].weight_and_text()
    if not question.code or (weight is not None and weight != 100):
        raise _Skip(
            question.line,
            "a short-answer question: the site has no short-answer kind (one answer after a "
            "stem that ends in a ```python block reads as a code-output question)",
        )
    expected = _read_text(text, question.text_format)[1]  # printed output is not Markdown
    if not expected:
        raise _Malformed(answers[0].line, "an answer with no text")
    feedback = _rich_text("".join(answers[0].feedback or []), question.text_format)
    question.kind = "code_output"
    question.expected_output = expected
    question.general_feedback = "\n\n".join(t for t in (feedback, question.general_feedback) if t)


# --- Reading: the whole file -----------------------------------------------------------------


def parse_gift(data: str | bytes, *, source: str = "<file>") -> ParseResult:
    """Read a GIFT file. Never raises on bad input: see `ParseResult.problems()`."""
    result = ParseResult()
    text = decode(data, source, GiftError)
    if isinstance(text, GiftError):
        result.errors.append(text)
        return result
    category = ""
    for block in _blocks(text):
        if len(result.errors) + len(result.skipped) >= MAX_PROBLEMS:
            result.errors.append(
                GiftError(block.first_line, f"more than {MAX_PROBLEMS} problems; stopped", source)
            )
            break
        if block.text.startswith("$CATEGORY:"):
            category = block.text.split("\n", 1)[0].removeprefix("$CATEGORY:").strip()
            block = block.without_first_line()
            if block is None:
                continue
        if len(result.questions) >= MAX_QUESTIONS:
            result.errors.append(
                GiftError(
                    block.first_line,
                    f"more than {MAX_QUESTIONS} questions; split the file",
                    source,
                )
            )
            break
        try:
            question = _read_question(block)
        except _Skip as skip:
            result.skipped.append(Skipped(skip.line, skip.reason, source))
            continue
        except _Malformed as error:
            result.errors.append(GiftError(error.line, error.message, source))
            continue
        question.category = category
        result.questions.append(question)
    _assign_keys(result, source)
    return result


def _assign_keys(result: ParseResult, source: str):
    """Named questions take their slugified names; the others keys made from their prompts."""
    taken: dict[str, int] = {}
    kept = []
    for question in result.questions:
        if not question.name:
            kept.append(question)
            continue
        key = slugify_key(question.name)
        if not key:
            message = (
                f"the name {question.name!r} has no letters or digits to make a key from "
                "(keys are lowercase-with-dashes)"
            )
        elif key in taken:
            message = (
                f"the name {question.name!r} gives the key {key!r}, already used by the "
                f"question on line {taken[key]}"
            )
        else:
            question.key, taken[key] = key, question.line
            kept.append(question)
            continue
        result.errors.append(GiftError(question.line, message, source))
    keys = KeyRegistry(taken)
    for question in kept:
        if not question.key:
            question.key = keys.claim(key_from_prompt(question.prompt))
    result.questions = kept


# --- Writing -----------------------------------------------------------------------------------


def write_gift(questions: Iterable[ParsedQuestion]) -> str:
    """GIFT text for `questions`, which `parse_gift` reads back equal (see the module doc).

    Raises ValueError for a question that breaks its kind's rules (the site's validation
    keeps those out of the database, so this is a programming error).
    """
    blocks = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            blocks.append(f"$CATEGORY: {' '.join(category.split())}".rstrip())
        blocks.append(_write_question(question))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in ":#={}~":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _piece(text: str) -> str:
    """An answer or feedback text; a [markdown] marker guards text that starts like a weight
    or a format (and says what the text is)."""
    escaped = _escape(text.strip())
    return f"[markdown]{escaped}" if escaped.startswith(("[", "%")) else escaped


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _write_question(question: ParsedQuestion) -> str:
    stem = _escape(with_code(question.prompt.strip(), question.code))
    head = f"::{_escape(question.key)}::[markdown]{stem}"
    general = f"\t####{_piece(question.general_feedback)}\n" if question.general_feedback else ""
    writers = {
        "single": _single_answers,
        "multiple": _multiple_answers,
        "true_false": _true_false_answers,
        "code_output": _code_output_answer,
    }
    if question.kind not in writers:
        raise ValueError(f"question {question.key!r}: unknown kind {question.kind!r}")
    answers = writers[question.kind](question)
    if question.kind == "true_false":
        return f"{head}{{{answers}{general.strip()}}}"
    return f"{head}{{\n{answers}{general}}}"


def _option_line(marker: str, option: ParsedOption) -> str:
    feedback = f"#{_piece(option.feedback)}" if option.feedback.strip() else ""
    return f"\t{marker}{_piece(option.text)}{feedback}\n"


def _single_answers(question: ParsedQuestion) -> str:
    if len(question.correct_options) != 1:
        raise ValueError(f"question {question.key!r}: single choice needs one correct option")
    return "".join(_option_line("=" if o.correct else "~", o) for o in question.options)


def _multiple_answers(question: ParsedQuestion) -> str:
    right = len(question.correct_options)
    wrong = len(question.options) - right
    if not right:
        raise ValueError(f"question {question.key!r}: multiple select needs correct options")
    # Moodle needs the correct weights to add up to 100 %; the wrong ones share -100 %.
    right_marker = f"~%{_percent(100 / right)}%"
    wrong_marker = f"~%-{_percent(100 / wrong)}%" if wrong else ""
    return "".join(
        _option_line(right_marker if o.correct else wrong_marker, o) for o in question.options
    )


def _true_false_answers(question: ParsedQuestion) -> str:
    correct = question.correct_options
    if len(question.options) != 2 or len(correct) != 1:
        raise ValueError(f"question {question.key!r}: true/false needs two options, one correct")
    right = correct[0]
    wrong = next(option for option in question.options if not option.correct)
    answer = "TRUE" if right.text.strip().lower() == "true" else "FALSE"
    feedback = ["", _piece(wrong.feedback), _piece(right.feedback)]
    while feedback[-1] == "" and len(feedback) > 1:
        feedback.pop()
    return answer + "#".join(feedback)


def _code_output_answer(question: ParsedQuestion) -> str:
    expected = question.expected_output.strip()
    if not expected or not question.code.strip():
        raise ValueError(f"question {question.key!r}: code output needs code and its output")
    # "->" would make Moodle read a matching question; "\>" keeps it text.
    return f"\t={_piece(expected).replace('->', '-\\>')}\n"
