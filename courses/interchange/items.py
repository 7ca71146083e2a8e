"""The plain records that question files are read into and written from.

Both formats (GIFT and Aiken) share them, and nothing here knows about the database: a
caller turns `ParsedQuestion`s into the site's questions, or the site's questions into
`ParsedQuestion`s to write a file. A parse never raises on bad input; it returns a
`ParseResult` listing what it read, what it skipped and what was wrong, each with its line,
so a caller can refuse the whole file before writing anything.
"""

from dataclasses import dataclass, field
from typing import ClassVar

KINDS = ("single", "multiple", "true_false", "code_output")

# The text formats a GIFT text may declare; Aiken text is read as Markdown or as plain text.
TEXT_FORMATS = ("markdown", "html", "plain", "moodle")


@dataclass
class ParsedOption:
    text: str
    correct: bool
    feedback: str = ""  # why this option is right or wrong (the site's `explanation`)
    # The GIFT percentage it was read with, if any; not part of the option's identity.
    weight: float | None = field(default=None, compare=False)


@dataclass
class ParsedQuestion:
    """One question, in the site's terms.

    `prompt`, option texts and feedback are Markdown (plain text is escaped on the way in;
    HTML is kept as text for the site's sanitiser, and `text_format` says so). `code` is the
    Python shown under the prompt; `expected_output` is what a code-output question's code
    prints. `true_false` questions carry two options, "True" and "False".
    """

    key: str
    kind: str
    prompt: str
    options: list[ParsedOption] = field(default_factory=list)
    general_feedback: str = ""
    code: str = ""
    expected_output: str = ""
    category: str = ""
    # Where it came from; none of these is part of the question's identity.
    line: int = field(default=0, compare=False)
    name: str = field(default="", compare=False)  # the GIFT ::name:: as written
    text_format: str = field(default="markdown", compare=False)

    @property
    def correct_options(self) -> list[ParsedOption]:
        return [option for option in self.options if option.correct]


@dataclass(frozen=True)
class LineNote:
    """Something a reader says about one line of a file, printed `source:line: text`."""

    line: int
    text: str
    source: str = "<file>"
    label: ClassVar[str] = ""  # what kind of note, before the text

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.label}{self.text}"


class Skipped(LineNote):
    """A well-formed question of a type the site has no kind for (or cannot carry)."""

    label = "skipped: "

    @property
    def reason(self) -> str:
        return self.text


class FormatError(LineNote):
    """Malformed input: the file cannot be read as its format says."""

    @property
    def message(self) -> str:
        return self.text


class GiftError(FormatError):
    """A malformed GIFT file."""


class AikenError(FormatError):
    """A malformed Aiken file."""


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing was skipped and nothing was wrong: safe to import under --strict."""
        return not self.skipped and not self.errors

    def problems(self, *, strict: bool = False) -> list[str]:
        """The reasons to refuse the file, in line order: errors always, skips when strict.

        Empty means the caller may import every question in `questions`.
        """
        found = list(self.errors) + (list(self.skipped) if strict else [])
        return [str(problem) for problem in sorted(found, key=lambda problem: problem.line)]


@dataclass
class WriteResult:
    """A written file, and the questions the format could not carry (left out of `text`)."""

    text: str
    skipped: list[Skipped] = field(default_factory=list)
