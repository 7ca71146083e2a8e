"""Question keys from GIFT names and prompts.

A key is the question's identity on the site (lowercase letters, digits and dashes, at most
50 characters, unique within a lesson): learners' history hangs off it. A GIFT `::name::`
becomes the key, slugified; a question with no name gets a key made from its prompt's first
words, made unique within the file.
"""

import re
import unicodedata
from collections.abc import Iterable

KEY_MAX_LENGTH = 50  # the site's SlugField length
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PROMPT_WORDS = 8


def slugify_key(name: str) -> str:
    """Lowercase ASCII words joined by dashes, cut at a dash to fit; "" if nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")
    if len(slug) > KEY_MAX_LENGTH:
        cut = slug[: KEY_MAX_LENGTH + 1].rfind("-")
        slug = slug[: cut if cut > 0 else KEY_MAX_LENGTH].strip("-")
    return slug


def key_from_prompt(prompt: str) -> str:
    """A key from the prompt's first words (Markdown and HTML punctuation dropped)."""
    words = _NOT_SLUG.sub(" ", prompt[:400].lower()).split()
    return slugify_key(" ".join(words[:_PROMPT_WORDS])) or "question"


class KeyRegistry:
    """Hands out keys unique within one file: `base`, then `base-2`, `base-3`…"""

    def __init__(self, taken: Iterable[str] = ()):
        self.taken = set(taken)
        self.next_number: dict[str, int] = {}  # so 2,000 equal prompts stay linear

    def claim(self, base: str) -> str:
        number = self.next_number.get(base, 1)
        key = base
        while key in self.taken:
            number += 1
            suffix = f"-{number}"
            key = base[: KEY_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        self.next_number[base] = number
        self.taken.add(key)
        return key
