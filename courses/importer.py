"""Write validated content files into the database, by slug and key, in one transaction.

Re-importing unchanged files writes nothing. Questions are matched by key, so learners'
answers stay attached when a question's text changes; a question removed from its file is
retired (kept for history, never drawn again), not deleted.
"""

from collections import Counter
from dataclasses import asdict
from pathlib import Path

from django.db import transaction

from .content_files import ContentError, LessonData, QuestionData, SectionData, read_tree
from .minutes import minutes_from_files
from .models import Lesson, Option, Question, Section, SectionItem, Track
from .validation import check_code_output


class Report:
    """Counts what an import did, and the lines a person reads."""

    def __init__(self):
        self.counts = Counter()
        self.lines: list[str] = []

    def note(self, what: str, outcome: str, label: str):
        self.counts[(what, outcome)] += 1
        if outcome != "unchanged":
            self.lines.append(f"{outcome.capitalize()} {what} {label}")

    @property
    def changed(self) -> bool:
        return any(outcome != "unchanged" for _, outcome in self.counts)

    def summary(self) -> str:
        parts = []
        for what in ("track", "lesson", "section", "question"):
            done = [
                f"{self.counts[(what, o)]} {o}"
                for o in ("created", "updated", "retired", "deleted", "unchanged")
                if self.counts[(what, o)]
            ]
            if done:
                parts.append(f"{what}s: {', '.join(done)}")
        return "; ".join(parts) or "nothing to import"


def _change_count(report: Report) -> int:
    return sum(n for (_, outcome), n in report.counts.items() if outcome != "unchanged")


def _save_if_changed(obj, values: dict) -> str:
    """Set `values` on `obj` and save it only if something differs."""
    if obj.pk is None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        return "created"
    if all(getattr(obj, name) == value for name, value in values.items()):
        return "unchanged"
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return "updated"


def import_content(path: Path) -> Report:
    """Import a content root, a track folder or a lesson folder; raise ContentError if bad."""
    tracks = read_tree(Path(path))
    _verify_code_outputs(tracks)  # before the transaction: running snippets takes time
    report = Report()
    with transaction.atomic():
        for track_data in tracks:
            track = Track.objects.filter(slug=track_data.slug).first() or Track(
                slug=track_data.slug
            )
            values = {"title": track_data.title, "description": track_data.description,
                      "order": track_data.order}  # fmt: skip
            report.note("track", _save_if_changed(track, values), track.slug)
            for lesson_data in track_data.lessons:
                _import_lesson(track, lesson_data, report)
    return report


def _import_lesson(track: Track, data: LessonData, report: Report):
    lesson = Lesson.objects.filter(slug=data.slug).first() or Lesson(slug=data.slug)
    values = {
        "track": track, "title": data.title, "level": data.level, "order": data.order,
        "summary": data.summary, "introduction": data.introduction,
        "minutes": minutes_from_files(data), "status": data.status,
    }  # fmt: skip
    outcome = _save_if_changed(lesson, values)
    changes_before = _change_count(report)
    sections = _import_sections(lesson, data.sections, report)
    _import_questions(lesson, data.questions, sections, report)
    if outcome == "unchanged" and _change_count(report) > changes_before:
        Lesson.touch(lesson.pk)  # a section or question changed: the lesson was updated
        outcome = "updated"
    report.note("lesson", outcome, lesson.slug)


def _verify_code_outputs(tracks) -> None:
    """Run every new or edited code-output snippet and refuse the import if one prints
    something else. Unchanged snippets are not run again, so a re-import stays quick."""
    known = {
        (slug, key): (code, expected)
        for slug, key, code, expected in Question.objects.filter(
            kind=Question.Kind.CODE_OUTPUT
        ).values_list("lesson__slug", "key", "code", "expected_output")
    }
    for track in tracks:
        for lesson in track.lessons:
            for data in lesson.questions:
                if data.kind != "code_output":
                    continue
                if known.get((lesson.slug, data.key)) == (data.code, data.expected_output):
                    continue
                problem = check_code_output(data.code, data.expected_output)
                if problem:
                    raise ContentError(data.path, data.line, f"question '{data.key}': {problem}")


def _import_sections(lesson: Lesson, sections: list[SectionData], report: Report) -> dict:
    existing = {s.key: s for s in lesson.sections.prefetch_related("items")} if lesson.pk else {}
    by_key = {}
    for order, data in enumerate(sections):
        section = existing.pop(data.key, None) or Section(lesson=lesson, key=data.key)
        values = {"kind": data.kind, "order": order, "heading": data.heading,
                  "body": data.body, "takeaway": data.takeaway}  # fmt: skip
        outcome = _save_if_changed(section, values)
        wanted = [asdict(item) for item in data.items]
        have = [
            {"label": i.label, "text": i.text, "group": i.group, "link": i.link}
            for i in (section.items.all() if outcome != "created" else [])
        ]
        if wanted != have:
            section.items.all().delete()
            SectionItem.objects.bulk_create(
                [SectionItem(section=section, order=n, **item) for n, item in enumerate(wanted)]
            )
            for item in section.items.all():
                item.save()  # render each item's Markdown
            outcome = "updated" if outcome == "unchanged" else outcome
        report.note("section", outcome, f"{lesson.slug}/{data.key}")
        by_key[data.key] = section
    for key, section in existing.items():
        section.delete()
        report.note("section", "deleted", f"{lesson.slug}/{key}")
    return by_key


def _import_questions(lesson, questions: list[QuestionData], sections: dict, report: Report):
    existing = {
        q.key: q for q in Question.objects.filter(lesson=lesson).prefetch_related("options")
    }
    order_by_use = Counter()
    for data in questions:
        question = existing.pop(data.key, None) or Question(lesson=lesson, key=data.key)
        order_by_use[data.use] += 1
        values = {
            "use": data.use, "kind": data.kind, "difficulty": data.difficulty,
            "order": order_by_use[data.use], "is_active": True, "prompt": data.prompt,
            "code": data.code, "expected_output": data.expected_output,
            "solution": data.solution, "hint": data.hint, "quick_check": data.quick_check,
            "mistakes": data.mistakes, "seconds": data.seconds,
        }  # fmt: skip
        outcome = _save_if_changed(question, values)
        if _sync_options(question, data, sections, fresh=outcome == "created"):
            outcome = "updated" if outcome == "unchanged" else outcome
        report.note("question", outcome, f"{lesson.slug}/{data.key}")
    for key, question in existing.items():
        if question.is_active:
            question.is_active = False
            question.save(update_fields=["is_active"])
            report.note("question", "retired", f"{lesson.slug}/{key}")


def _sync_options(question: Question, data: QuestionData, sections: dict, fresh: bool) -> bool:
    """Match options by position so a learner's recorded choice keeps its id; True if changed."""
    have = [] if fresh else list(question.options.all())
    changed = False
    for order, option_data in enumerate(data.options):
        option = have[order] if order < len(have) else Option(question=question)
        confusion = sections.get(option_data.confusion) if option_data.confusion else None
        values = {"order": order, "text": option_data.text, "is_correct": option_data.is_correct,
                  "explanation": option_data.explanation, "confusion": confusion}  # fmt: skip
        changed |= _save_if_changed(option, values) != "unchanged"
    for option in have[len(data.options) :]:
        option.delete()
        changed = True
    return changed
