"""Write the database back as content files (see content/README.md): the mirror of
content_files.py, which reads them, following its field lists (`TRACK_FIELDS`…) in order.

The writer is deterministic, so `import_content` then `export_content` reproduces files it
wrote byte for byte, and export → import → export is a fixed point for any course:
- text with a line break is a literal block (`|`, `|-` or `|+` by its final newlines);
  one-line text is a plain scalar when YAML would read it back as the same text, otherwise
  quoted (single quotes when it holds a double quote, double quotes otherwise);
- an empty optional field is left out; entries are separated by one blank line and each
  group of sections (by kind) or questions (by use, and the test bank by difficulty) opens
  with a comment line;
- `solution` and `mistakes` are stored as a numbered and a bulleted Markdown list: they are
  split back into their steps; text authored in the admin that is not such a list is
  written as one step (importing it then numbers or bullets it).
Retired questions (`is_active=False`) are left out, as a question removed from its file is.
The format has no place for the feedback of a true/false question's two options (only its
`answer` and `confusion`), nor for the `order` numbers themselves (the place in the file is
the order): those are the only authored values an export does not carry.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from .content_files import (
    ITEM_FIELDS,
    LESSON_FIELDS,
    OPTION_FIELDS,
    QUESTION_FIELDS,
    SECTION_FIELDS,
    TRACK_FIELDS,
    _bulleted,
    _numbered,
)
from .models import Lesson, Question, Section, Track

RULE = "# " + "=" * 64
KEYS_ARE_IDENTITIES = "# Keys are identities: never rename one once published."
SECTION_GROUPS = {
    "concept": "concepts", "analogy": "analogy", "diagram": "diagram", "fact": "facts",
    "confusion": "confusions", "summary": "summary", "deep_dive": "deep dive",
    "use_case": "use cases",
}  # fmt: skip
USE_ORDER = ("practice", "test", "diagram", "challenge")
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def _analysis(text: str):
    emitter = yaml.emitter.Emitter(None, allow_unicode=True)
    return emitter.analyze_scalar(text)


# --- Scalars -----------------------------------------------------------------------------
def _plain_allowed(text: str) -> bool:
    if not text or text != text.strip():
        return False
    analysis = _analysis(text)
    if not analysis.allow_block_plain or analysis.multiline:
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def _quoted(text: str) -> str:
    printable = _analysis(text).allow_single_quoted
    if '"' in text and printable:
        return "'" + text.replace("'", "''") + "'"
    dumped = yaml.dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _literal_allowed(text: str) -> bool:
    analysis = _analysis(text)
    # A literal block cannot hold a tab-only or space-ending line break oddity it could not
    # read back (special characters, a line of only spaces before the end, a first space).
    return analysis.allow_block and "\r" not in text and not text.startswith((" ", "\n"))


def scalar(text: str, indent: int) -> str:
    """`text` as what follows `key:` on a line (a leading space included) at `indent`."""
    if "\n" in text and _literal_allowed(text):
        body = text.rstrip("\n")
        trailing = len(text) - len(body)
        chomp = {0: "-", 1: ""}.get(trailing, "+")
        pad = " " * (indent + 2)
        lines = [pad + line if line else "" for line in body.split("\n")]
        lines += [""] * (trailing - 1)
        return f" |{chomp}\n" + "\n".join(lines)
    return " " + (text if _plain_allowed(text) else _quoted(text))


# --- Records -----------------------------------------------------------------------------
@dataclass
class _Writer:
    """Lines of one YAML mapping, written in a field list's order."""

    fields: tuple[str, ...]
    indent: int

    def mapping(self, values: dict, first_prefix: str = "") -> list[str]:
        lines = []
        for name in self.fields:
            value = values.get(name)
            if value is None or value == "" or value == []:
                continue
            prefix = first_prefix if not lines and first_prefix else " " * self.indent
            lines.extend(_field(prefix, name, value, self.indent))
        return lines


def _field(prefix: str, name: str, value, indent: int) -> list[str]:
    head = f"{prefix}{name}:"
    if isinstance(value, bool):
        return [f"{head} {'true' if value else 'false'}"]
    if isinstance(value, int):
        return [f"{head} {value}"]
    if isinstance(value, str):
        return [head + scalar(value, indent)]
    if isinstance(value, dict):  # minutes
        return [head] + [f"{' ' * (indent + 2)}{k}: {v}" for k, v in value.items()]
    lines = [head]
    for entry in value:
        dash = " " * (indent + 2) + "- "
        if isinstance(entry, str):
            lines.append(dash.rstrip() + scalar(entry, indent + 2))
        else:
            writer, entry_values = entry
            lines.extend(writer.mapping(entry_values, first_prefix=dash))
    return lines


def split_list(text: str, join, marker) -> list[str]:
    """The steps `join` (content_files' numbered or bulleted list) made `text` from."""
    steps: list[str] = []
    for line in text.split("\n"):
        prefix = marker(len(steps) + 1)
        if line.startswith(prefix):
            steps.append(line[len(prefix) :])
        elif steps:
            steps[-1] += "\n" + line
        else:
            break
    return steps if steps and join(steps) == text else [text]


def _steps(text: str) -> list[str]:
    return split_list(text, _numbered, lambda number: f"{number}. ")


def _bullets(text: str) -> list[str]:
    return split_list(text, _bulleted, lambda number: "- ")


# --- Files -------------------------------------------------------------------------------
def track_yaml(track: Track) -> str:
    values = {"title": track.title, "description": track.description, "order": track.order}
    return "\n".join(_Writer(TRACK_FIELDS, 0).mapping(values)) + "\n"


def lesson_md(lesson: Lesson) -> str:
    """The front matter and introduction. `status` is written for drafts only (published is
    the default); minutes are computed from the text, so they are not written."""
    values = {
        "title": lesson.title, "level": lesson.level, "order": lesson.order,
        "summary": lesson.summary,
        "status": lesson.status if lesson.status != Lesson.Status.PUBLISHED else "",
    }  # fmt: skip
    front = "\n".join(_Writer(LESSON_FIELDS, 0).mapping(values))
    return f"---\n{front}\n---\n{lesson.introduction.strip()}\n"


def _with_groups(entries: list[tuple[str, list[str]]], header: list[str]) -> str:
    """Entries separated by blank lines, a comment line opening each group."""
    blocks, group = [], None
    for label, lines in entries:
        if label != group:
            blocks.append(f"{RULE} {label}")
            group = label
        blocks.append("\n".join(lines))
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def sections_yaml(lesson: Lesson, sections: list[Section]) -> str:
    section_writer, item_writer = _Writer(SECTION_FIELDS, 2), _Writer(ITEM_FIELDS, 6)
    entries = []
    for section in sections:
        items = [
            (item_writer, {"label": i.label, "text": i.text, "group": i.group, "link": i.link})
            for i in section.items.all()
        ]
        values = {
            "kind": section.kind, "key": section.key, "heading": section.heading,
            "body": section.body, "takeaway": section.takeaway, "items": items,
        }  # fmt: skip
        lines = section_writer.mapping(values, first_prefix="- ")
        entries.append((SECTION_GROUPS.get(section.kind, section.kind), lines))
    header = [f"# Sections of {_quoted_title(lesson)}, in page order.", KEYS_ARE_IDENTITIES]
    return _with_groups(entries, header)


def _quoted_title(lesson: Lesson) -> str:
    return '"' + " ".join(lesson.title.split()) + '"'


def question_values(question: Question) -> dict:
    """The fields of questions.yaml for one question (its options prefetched)."""
    options = list(question.options.all())
    values = {
        "key": question.key, "use": question.use, "kind": question.kind,
        "difficulty": question.difficulty, "seconds": question.seconds,
        "prompt": question.prompt, "code": question.code,
        "solution": _steps(question.solution), "hint": question.hint,
        "quick_check": question.quick_check, "mistakes": _bullets(question.mistakes),
    }  # fmt: skip
    if question.kind == Question.Kind.CODE_OUTPUT:
        values["answer"] = question.expected_output
    elif question.kind == Question.Kind.TRUE_FALSE:
        right = next(option for option in options if option.is_correct)
        values["answer"] = right.text.strip().lower() == "true"
        values["confusion"] = next(
            (o.confusion.key for o in options if o.confusion_id and not o.is_correct), ""
        )
    else:
        option_writer = _Writer(OPTION_FIELDS, 6)
        values["options"] = [
            (option_writer, {
                "text": o.text, "correct": o.is_correct or None, "why": o.explanation,
                "confusion": o.confusion.key if o.confusion_id else "",
            })
            for o in options
        ]  # fmt: skip
    return values


QUESTION_GROUPS = {"practice": "practice", "test": "test bank", "diagram": "diagram quiz",
                   "challenge": "challenge"}  # fmt: skip


def questions_yaml(lesson: Lesson, questions: list[Question]) -> str:
    writer = _Writer(QUESTION_FIELDS, 2)
    entries = []
    for question in questions:
        lines = writer.mapping(question_values(question), first_prefix="- ")
        entries.append((QUESTION_GROUPS.get(question.use, question.use), lines))
    header = [f"# Questions for {_quoted_title(lesson)}.", KEYS_ARE_IDENTITIES]
    return _with_groups(entries, header)


def lesson_files(lesson: Lesson) -> dict[str, str]:
    """The three files of a lesson folder, by name."""
    sections = list(lesson.sections.prefetch_related("items"))
    questions = sorted(
        Question.objects.active().filter(lesson=lesson).prefetch_related("options__confusion"),
        key=lambda q: (USE_ORDER.index(q.use) if q.use in USE_ORDER else 99, q.order, q.pk),
    )
    return {
        "lesson.md": lesson_md(lesson),
        "sections.yaml": sections_yaml(lesson, sections),
        "questions.yaml": questions_yaml(lesson, questions),
    }


def export_content(outdir: Path, tracks=None) -> list[Path]:
    """Write every track (or `tracks`) under `outdir`; return the files written."""
    written = []
    for track in tracks if tracks is not None else Track.objects.all():
        folder = Path(outdir) / track.slug
        written.append(_write(folder / "track.yaml", track_yaml(track)))
        for lesson in track.lessons.all():
            for name, text in lesson_files(lesson).items():
                written.append(_write(folder / lesson.slug / name, text))
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
