"""Question interchange: Moodle GIFT and Aiken files, read and written as plain records.

Nothing here touches the database or the site's apps. `parse_gift` / `parse_aiken` turn
text into a `ParseResult` (questions, skipped, errors, each with file and line) without
raising; a caller checks `result.problems(strict=...)` and imports nothing unless it is
empty, so a file is never half-imported. `write_gift` / `write_aiken` turn
`ParsedQuestion`s back into text that the parsers read back equal.
"""

from .aiken import parse_aiken, write_aiken
from .gift import parse_gift, write_gift
from .items import (
    AikenError,
    FormatError,
    GiftError,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    Skipped,
    WriteResult,
)
from .source import MAX_BYTES, MAX_QUESTIONS

__all__ = [
    "MAX_BYTES",
    "MAX_QUESTIONS",
    "AikenError",
    "FormatError",
    "GiftError",
    "ParseResult",
    "ParsedOption",
    "ParsedQuestion",
    "Skipped",
    "WriteResult",
    "parse_aiken",
    "parse_gift",
    "write_aiken",
    "write_gift",
]
