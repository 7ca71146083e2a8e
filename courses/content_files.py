"""Read and validate course content files (see content/README.md) — no database here.

`read_tree(path)` returns plain dataclasses or raises ContentError naming the file and the
line. Everything is parsed and checked before anything is written, so a bad file never
leaves half a course behind.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .markdown import MAX_MARKDOWN_LENGTH, markdown_problem, python_block
from .modes import MODES_BY_SLUG
from .test_plan import TEST_LENGTH
from .validation import check_options, check_question_fields

MAX_FILE_BYTES = 512 * 1024
# Content nests a few levels (a list of questions, their options); the composer recurses
# per level, so a deeply nested value would end in a RecursionError instead of an error
# with its line.
MAX_DEPTH = 20
# Python refuses to convert integers of more than 4,300 digits (a ValueError, no line); no
# number in a content file needs more than a few.
MAX_NUMBER_LENGTH = 30
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_KINDS = {
    "concept", "analogy", "diagram", "fact", "confusion", "summary", "deep_dive", "use_case",
}  # fmt: skip
QUESTION_KINDS = {"single", "multiple", "code_output", "true_false"}
DIFFICULTIES = {"easy", "medium", "hard"}
USES = {"practice", "test", "challenge", "diagram"}
STATUSES = {"draft", "published"}

# The fields of each record, in the order courses/exporter.py writes them; the reader reads
# no other field (`_Record.done` checks), so the reader and the writer cannot drift apart.
TRACK_FIELDS = ("title", "description", "order")
LESSON_FIELDS = ("title", "level", "order", "summary", "status", "minutes")
SECTION_FIELDS = ("kind", "key", "heading", "body", "takeaway", "items")
ITEM_FIELDS = ("label", "text", "group", "link")
QUESTION_FIELDS = (
    "key", "use", "kind", "difficulty", "seconds", "prompt", "code", "answer", "options",
    "confusion", "solution", "hint", "quick_check", "mistakes",
)  # fmt: skip
OPTION_FIELDS = ("text", "correct", "why", "confusion")


class ContentError(Exception):
    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line or 1}: {message}")


# --- YAML that remembers line numbers and refuses what a content file never needs ---------
class Mapping(dict):
    """A YAML mapping that knows the line of itself and of each key."""

    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        # Aliases let a tiny file expand into gigabytes ("billion laughs"); content needs none.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        if self.depth >= MAX_DEPTH:
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, f"values nested deeper than {MAX_DEPTH} levels", event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_int(self, node):
        if len(node.value) > MAX_NUMBER_LENGTH:
            raise yaml.MarkedYAMLError(
                None, None, f"a number longer than {MAX_NUMBER_LENGTH} characters",
                node.start_mark,
            )  # fmt: skip
        return super().construct_yaml_int(node)


def _construct_mapping(loader, node):
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.MarkedYAMLError(
                None, None, f"keys must be text, not {key!r}", key_node.start_mark
            )
        if key in mapping:
            raise yaml.MarkedYAMLError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ContentError(path, None, f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(path, None, f"the file is not UTF-8 text ({error.reason})") from error
    if "\x00" in text:
        raise ContentError(path, text[: text.index("\x00")].count("\n") + 1, "NUL character")
    return text


def parse_yaml(path: Path, text: str):
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {error.problem or error.context}"
        if error.context and error.context_mark and error.problem:
            message += f" ({error.context} on line {error.context_mark.line + 1})"
        raise ContentError(path, line, message) from error
    except yaml.YAMLError as error:
        raise ContentError(path, None, f"invalid YAML: {error}") from error


# --- What the files describe ---------------------------------------------------------------
@dataclass
class ItemData:
    label: str
    text: str = ""
    group: str = ""
    link: str = ""


@dataclass
class SectionData:
    key: str
    kind: str
    heading: str
    body: str = ""
    takeaway: str = ""
    items: list[ItemData] = field(default_factory=list)


@dataclass
class OptionData:
    text: str
    is_correct: bool = False
    explanation: str = ""
    confusion: str = ""


@dataclass
class QuestionData:
    key: str
    use: str
    kind: str
    difficulty: str
    prompt: str
    solution: str
    hint: str
    quick_check: str
    mistakes: str
    code: str = ""
    expected_output: str = ""
    seconds: int | None = None
    options: list[OptionData] = field(default_factory=list)
    path: Path | None = None
    line: int = 1


@dataclass
class LessonData:
    slug: str
    title: str
    level: str
    order: int
    summary: str
    introduction: str
    sections: list[SectionData]
    questions: list[QuestionData]
    status: str = "published"


@dataclass
class TrackData:
    slug: str
    title: str
    description: str
    order: int
    lessons: list[LessonData]
    path: Path


# --- Field checks ------------------------------------------------------------------------
class _Record:
    """Reads typed fields from one YAML mapping, failing with the file and line."""

    def __init__(self, path: Path, data, what: str, fields: tuple[str, ...]):
        if not isinstance(data, Mapping):
            line = getattr(data, "line", None)
            raise ContentError(path, line, f"{what} must be a mapping of fields")
        self.path, self.data, self.what, self.used = path, data, what, set()
        self.fields = fields

    def fail(self, key: str | None, message: str):
        line = self.data.line_of(key) if key else self.data.line
        raise ContentError(self.path, line, f"{self.what}: {message}")

    def text(self, key: str, required: bool = True, max_length: int = 20_000) -> str:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(None, f"'{key}' is required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"'{key}' must be text")
        value = str(value)
        if required and not value.strip():
            self.fail(key, f"'{key}' must not be empty")
        if len(value) > max_length:
            self.fail(key, f"'{key}' is longer than {max_length} characters")
        return value

    def markdown(self, key: str, required: bool = True, max_length: int = MAX_MARKDOWN_LENGTH,
                 wrap=None) -> str:  # fmt: skip
        """Text that is rendered as Markdown (`wrap`: as which block), refused before any
        rendering if it would take seconds to render or nest too deep."""
        value = self.text(key, required=required, max_length=max_length)
        if problem := markdown_problem(wrap(value) if wrap and value else value):
            self.fail(key, f"'{key}': {problem}")
        return value

    def markdown_list(self, key: str, join) -> str:
        """A list of Markdown entries joined into one block by `join`, checked as one."""
        value = join(self.text_list(key))
        if problem := markdown_problem(value):
            self.fail(key, f"'{key}': {problem}")
        return value

    def key(self, key: str = "key") -> str:
        value = self.text(key, max_length=50)
        if not KEY_PATTERN.match(value):
            self.fail(key, f"'{key}' must be lowercase-with-dashes, not {value!r}")
        return value

    def choice(self, key: str, choices: set[str]) -> str:
        value = self.text(key)
        if value not in choices:
            self.fail(key, f"'{key}' must be one of {', '.join(sorted(choices))}, not {value!r}")
        return value

    def integer(self, key: str, default: int | None = None) -> int | None:
        self.used.add(key)
        value = self.data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            self.fail(key, f"'{key}' must be a whole number from 0 to 100000")
        return value

    def boolean(self, key: str) -> bool:
        self.used.add(key)
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"'{key}' must be true or false")
        return value

    def listing(self, key: str, required: bool = True) -> list:
        self.used.add(key)
        value = self.data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(key if key in self.data else None, f"'{key}' must be a non-empty list")
        return value

    def text_list(self, key: str) -> list[str]:
        values = self.listing(key)
        for value in values:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                self.fail(key, f"every entry of '{key}' must be text")
        return [str(value) for value in values]

    def done(self):
        undeclared = self.used - set(self.fields)
        assert not undeclared, f"{self.what}: read fields missing from its field list: {undeclared}"
        unknown = set(self.data) - self.used
        if unknown:
            name = sorted(unknown)[0]
            self.fail(name, f"unknown field '{name}'")


def _numbered(steps: list[str]) -> str:
    return "\n".join(f"{number}. {step}" for number, step in enumerate(steps, 1))


def _bulleted(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


# --- Files -------------------------------------------------------------------------------
def read_track(folder: Path, only_lesson: str | None = None) -> TrackData:
    path = folder / "track.yaml"
    if not path.is_file():
        raise ContentError(path, None, "missing track.yaml")
    record = _Record(path, parse_yaml(path, read_text(path)), "track", TRACK_FIELDS)
    slug = folder.name
    if not KEY_PATTERN.match(slug):
        raise ContentError(path, None, f"the folder name {slug!r} is not a valid slug")
    title = record.text("title", max_length=200)
    description = record.text("description", required=False, max_length=2000)
    order = record.integer("order", 0)
    record.done()
    lesson_folders = sorted(p for p in folder.iterdir() if (p / "lesson.md").is_file())
    if only_lesson:
        lesson_folders = [p for p in lesson_folders if p.name == only_lesson]
    lessons = [read_lesson(p) for p in lesson_folders]
    return TrackData(slug, title, description, order, lessons, path)


def read_lesson(folder: Path) -> LessonData:
    path = folder / "lesson.md"
    text = read_text(path)
    match = re.match(r"\A---\n(.*?\n)---\n(.*)\Z", text, re.DOTALL)
    if not match:
        raise ContentError(path, 1, "lesson.md must start with YAML front matter between --- lines")
    # A leading newline stands in for the opening ---, so YAML's line numbers are the file's.
    front_matter = parse_yaml(path, "\n" + match.group(1))
    record = _Record(path, front_matter, "front matter", LESSON_FIELDS)
    slug = folder.name
    if not KEY_PATTERN.match(slug):
        raise ContentError(path, None, f"the folder name {slug!r} is not a valid slug")
    title = record.text("title", max_length=200)
    level = record.text("level", max_length=20)
    order = record.integer("order", 0)
    summary = record.text("summary", required=False, max_length=300)
    status = record.choice("status", STATUSES) if "status" in record.data else "published"
    # Minutes are computed from the text (courses/minutes.py) and never written; typed ones
    # in an older file are checked, so it still reads, then ignored.
    minutes = record.data.get("minutes") or {}
    record.used.add("minutes")
    if not isinstance(minutes, dict):
        record.fail("minutes", "'minutes' must map mode slugs to whole numbers")
    for mode, value in minutes.items():
        if mode not in MODES_BY_SLUG:
            record.fail("minutes", f"unknown mode {mode!r} in 'minutes'")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 600:
            record.fail("minutes", f"minutes for {mode!r} must be a whole number from 1 to 600")
    record.done()
    introduction = match.group(2).strip()
    intro_line = text.count("\n", 0, match.start(2)) + 1
    if not introduction:
        raise ContentError(path, intro_line, "the introduction is empty")
    if problem := markdown_problem(introduction):
        raise ContentError(path, intro_line, f"the introduction: {problem}")

    sections = read_sections(folder / "sections.yaml")
    questions = read_questions(folder / "questions.yaml", sections)
    return LessonData(slug, title, level, order, summary, introduction, sections, questions, status)


def _read_list(path: Path, what: str) -> list:
    if not path.is_file():
        raise ContentError(path, None, f"missing {path.name}")
    data = parse_yaml(path, read_text(path))
    if not isinstance(data, list) or not data:
        raise ContentError(path, 1, f"{path.name} must be a non-empty list of {what}")
    return data


def read_sections(path: Path) -> list[SectionData]:
    sections, keys, links = [], set(), []
    for data in _read_list(path, "sections"):
        record = _Record(path, data, "section", SECTION_FIELDS)
        kind = record.choice("kind", SECTION_KINDS)
        key = record.key()
        record.what = f"section '{key}'"
        if key in keys:
            record.fail("key", f"duplicate section key '{key}'")
        keys.add(key)
        section = SectionData(
            key=key,
            kind=kind,
            heading=record.text("heading", max_length=300),
            body=record.markdown("body"),
            takeaway=record.markdown("takeaway", required=kind == "concept", max_length=500),
        )
        needs_items = kind in {"analogy", "diagram", "use_case"}
        for item in record.listing("items", required=needs_items):
            item_record = _Record(path, item, f"an item of section '{key}'", ITEM_FIELDS)
            section.items.append(
                ItemData(
                    label=item_record.text("label", max_length=200),
                    text=item_record.markdown("text"),
                    group=item_record.text("group", required=False, max_length=200),
                    link=item_record.text("link", required=False, max_length=50),
                )
            )
            item_record.done()
            if section.items[-1].link:
                links.append((section.items[-1].link, item.line_of("link")))
        record.done()
        sections.append(section)
    concept_keys = {s.key for s in sections if s.kind == "concept"}
    for link, line in links:
        if link not in concept_keys:
            raise ContentError(path, line, f"no concept with key '{link}'")
    return sections


def read_questions(path: Path, sections: list[SectionData]) -> list[QuestionData]:
    confusions = {s.key for s in sections if s.kind == "confusion"}
    questions, keys = [], set()
    for data in _read_list(path, "questions"):
        record = _Record(path, data, "question", QUESTION_FIELDS)
        key = record.key()
        record.what = f"question '{key}'"
        if key in keys:
            record.fail("key", f"duplicate question key '{key}'")
        keys.add(key)
        kind = record.choice("kind", QUESTION_KINDS)
        question = QuestionData(
            key=key,
            use=record.choice("use", USES),
            kind=kind,
            difficulty=record.choice("difficulty", DIFFICULTIES),
            prompt=record.markdown("prompt"),
            code=record.markdown("code", required=kind == "code_output", wrap=python_block),
            solution=record.markdown_list("solution", _numbered),
            hint=record.markdown("hint", max_length=500),
            quick_check=record.markdown("quick_check", max_length=500),
            mistakes=record.markdown_list("mistakes", _bulleted),
            seconds=record.integer("seconds"),
            path=path,
            line=record.data.line,
        )
        if kind == "true_false":
            question.options = _true_false_options(record, confusions)
        elif kind == "code_output":
            question.expected_output = record.text("answer")
        else:
            question.options = _options(record, confusions)
        problems = check_question_fields(question.kind, question.code, question.expected_output)
        if problems:
            record.fail(None, next(iter(problems.values())))
        problem = check_options(kind, [option.is_correct for option in question.options])
        if problem:
            record.fail("options" if "options" in record.data else None, problem)
        record.done()
        questions.append(question)
    bank = [q for q in questions if q.use == "test"]
    if bank and len(bank) < TEST_LENGTH:
        raise ContentError(
            path, 1, f"the test bank has {len(bank)} questions; a test draws {TEST_LENGTH}"
        )
    return questions


def _true_false_options(record: _Record, confusions: set[str]) -> list[OptionData]:
    record.used.add("answer")
    answer = record.data.get("answer")
    if not isinstance(answer, bool):
        record.fail("answer", "a true/false question needs 'answer: true' or 'answer: false'")
    confusion = record.text("confusion", required=False, max_length=50)
    if confusion and confusion not in confusions:
        record.fail("confusion", f"no confusion with key '{confusion}'")
    return [
        OptionData("True", is_correct=answer, confusion="" if answer else confusion),
        OptionData("False", is_correct=not answer, confusion=confusion if answer else ""),
    ]


def _options(record: _Record, confusions: set[str]) -> list[OptionData]:
    options = []
    for data in record.listing("options"):
        option = _Record(record.path, data, f"an option of {record.what}", OPTION_FIELDS)
        confusion = option.text("confusion", required=False, max_length=50)
        if confusion and confusion not in confusions:
            option.fail("confusion", f"no confusion with key '{confusion}'")
        options.append(
            OptionData(
                text=option.markdown("text", max_length=500),
                is_correct=option.boolean("correct"),
                explanation=option.markdown("why", required=False, max_length=500),
                confusion=confusion,
            )
        )
        option.done()
    if len(options) > 6:
        record.fail("options", "at most 6 options")
    return options


def read_tree(path: Path) -> list[TrackData]:
    """Read a content root, one track folder, or one lesson folder."""
    path = path.resolve()
    if not path.is_dir():
        raise ContentError(path, None, "not a folder")
    if (path / "lesson.md").is_file():
        return [read_track(path.parent, only_lesson=path.name)]
    if (path / "track.yaml").is_file():
        return [read_track(path)]
    tracks = [read_track(p) for p in sorted(path.iterdir()) if (p / "track.yaml").is_file()]
    if not tracks:
        raise ContentError(path, None, "no track folders (with a track.yaml) here")
    return tracks
