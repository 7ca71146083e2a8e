"""Plain functions that make test data: small, explicit, no magic."""

import itertools

from courses.models import Lesson, Option, Question, Section, SectionItem, Track

_numbers = itertools.count(1)


def make_track(**fields) -> Track:
    n = next(_numbers)
    return Track.objects.create(**{"slug": f"track-{n}", "title": f"Track {n}", **fields})


def make_lesson(track: Track | None = None, sections: int = 0, **fields) -> Lesson:
    n = next(_numbers)
    lesson = Lesson.objects.create(
        **{
            "track": track or make_track(),
            "slug": f"lesson-{n}",
            "title": f"Lesson {n}",
            "level": "ml",
            "introduction": "An *introduction*.",
            "minutes": {"explanation": 5, "test": 10},
            **fields,
        }
    )
    for i in range(sections):
        make_section(lesson, kind=Section.Kind.CONCEPT, order=i)
    return lesson


def make_section(lesson: Lesson, kind=Section.Kind.CONCEPT, items: int = 0, **fields) -> Section:
    n = next(_numbers)
    section = Section.objects.create(
        **{
            "lesson": lesson,
            "kind": kind,
            "key": f"section-{n}",
            "heading": f"Section {n}",
            "body": f"Body of section {n}.",
            "takeaway": "Remember this." if kind == Section.Kind.CONCEPT else "",
            **fields,
        }
    )
    for i in range(items):
        SectionItem.objects.create(section=section, order=i, label=f"Item {i}", text="Text")
    return section


def make_question(
    lesson: Lesson,
    kind: str = Question.Kind.SINGLE,
    difficulty: str = Question.Difficulty.EASY,
    use: str = Question.Use.TEST,
    **fields,
) -> Question:
    """A question with options fitting its kind; the first option (or "True") is correct."""
    n = next(_numbers)
    question = Question.objects.create(
        **{
            "lesson": lesson,
            "key": f"question-{n}",
            "kind": kind,
            "difficulty": difficulty,
            "use": use,
            "prompt": f"Question {n}?",
            "solution": "1. Think.\n2. Answer.",
            "hint": "A hint.",
            "quick_check": "A check.",
            "mistakes": "- A mistake.",
            **fields,
        }
    )
    if kind == Question.Kind.CODE_OUTPUT:
        if not question.code:
            question.code = "print(6 * 7)"
            question.expected_output = "42"
            question.save()
        return question
    texts = {
        Question.Kind.TRUE_FALSE: [("True", True), ("False", False)],
        Question.Kind.MULTIPLE: [("Right A", True), ("Right B", True), ("Wrong C", False)],
    }.get(kind, [("Right", True), ("Wrong B", False), ("Wrong C", False), ("Wrong D", False)])
    for order, (text, correct) in enumerate(texts):
        Option.objects.create(
            question=question, order=order, text=text, is_correct=correct, explanation="Because."
        )
    return question


def make_bank(lesson: Lesson, easy: int = 3, medium: int = 4, hard: int = 3) -> list[Question]:
    """A test bank mixing every kind of question."""
    kinds = itertools.cycle(
        [Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE,
         Question.Kind.CODE_OUTPUT]
    )  # fmt: skip
    return [
        make_question(lesson, kind=next(kinds), difficulty=difficulty)
        for difficulty, count in (("easy", easy), ("medium", medium), ("hard", hard))
        for _ in range(count)
    ]
