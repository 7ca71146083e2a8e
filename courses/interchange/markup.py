"""Text conversions shared by the formats: plain text to Markdown, and code in a stem.

The site stores Markdown and renders it with Python-Markdown (with the `smarty` and
`tables` extensions) before sanitising it. Plain text from another system must come out
looking as it was typed, so the characters Markdown would act on are escaped; `<` and `&`
become entities, so text such as `<script>` is shown, never interpreted.

Neither GIFT nor Aiken has a place for the code a question shows, so it travels inside the
stem as a trailing fenced block (```` ```python ````) and is split off again when read.
"""

import re

# Characters Python-Markdown acts on anywhere in a line.
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]|]")
# smarty turns "--" into a dash and "..." into an ellipsis; escape all but the last of a run.
_DASH_RUN = re.compile(r"-(?=-)")
_DOT_RUN = re.compile(r"\.(?=\.)")
# A line that would start a heading, quote, list or rule.
_BLOCK_START = re.compile(r"^([#>+\-]|\d+\.)")
_PYTHON_INFO = {"", "python", "python3", "py"}


def plain_to_markdown(text: str) -> str:
    """Markdown that renders as `text` reads: nothing in it is markup or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_SPECIALS.sub(r"\\\g<0>", text)
    text = _DASH_RUN.sub(r"\\-", text)
    text = _DOT_RUN.sub(r"\\.", text)
    return "\n".join(_plain_line(line) for line in text.split("\n"))


def _plain_line(line: str) -> str:
    # Leading spaces would make an indented code block; plain text's indentation shows nothing.
    line = line.lstrip()
    if line.startswith("="):  # a setext heading underline; "=" has no backslash escape
        return "&#61;" + line[1:]
    match = _BLOCK_START.match(line)
    if match:
        marker = match.group(1)
        return line[: len(marker) - 1] + "\\" + line[len(marker) - 1 :]
    return line


def with_code(prompt: str, code: str) -> str:
    """The prompt followed by `code` in a fenced block longer than any backtick run in it."""
    if not code:
        return prompt
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{prompt}\n\n{fence}python\n{code.rstrip(chr(10))}\n{fence}"


def split_code(stem: str) -> tuple[str, str]:
    """Split a stem that ends with a fenced Python block into (prompt, code).

    A block in another language, or text after the block, stays in the prompt.
    """
    lines = stem.rstrip().split("\n")
    closing = lines[-1].strip()
    if len(lines) < 3 or not closing or set(closing) != {"`"} or len(closing) < 3:
        return stem, ""
    for index in range(len(lines) - 2, -1, -1):
        opening = lines[index].strip()
        if opening.startswith(closing):
            info = opening[len(closing) :].strip()
            if set(opening[: len(closing)]) != {"`"} or "`" in info:
                return stem, ""
            if info.lower() not in _PYTHON_INFO:
                return stem, ""
            prompt = "\n".join(lines[:index]).rstrip()
            return prompt, "\n".join(lines[index + 1 : -1])
    return stem, ""
