"""What every reader accepts as input: UTF-8 text of at most `MAX_BYTES` and `MAX_LINES`,
with no NUL character.

Uploaded bytes and already-decoded strings are both accepted; line endings are normalised
to "\\n" and a byte-order mark is dropped. A refusal names the line where it is known.
"""

from .items import FormatError

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 100_000  # 2,000 questions of ten lines each, five times over
MAX_QUESTIONS = 2000
MAX_PROBLEMS = 100  # errors and skips; past this the file is clearly not in the format


def decode(data: str | bytes, source: str, error: type[FormatError]) -> str | FormatError:
    """The text to parse, or the error that refuses the whole file."""
    # A character is at least one byte, so a long str is refused before it is encoded.
    if len(data) > MAX_BYTES or (
        isinstance(data, str) and len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES
    ):
        return error(1, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", source)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as problem:
            line = data[: problem.start].count(b"\n") + 1
            return error(line, "the file is not UTF-8 text", source)
    text = data.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if text.count("\n") >= MAX_LINES:
        return error(MAX_LINES + 1, f"the file has more than {MAX_LINES:,} lines", source)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return error(line, "a NUL character: this is not a text file", source)
    return text
