"""Everything /me/ shows, in a fixed number of queries."""

import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.timesince import timeuntil

from accounts.models import Learner
from core.json_rows import JSONRows
from core.statements import Statement
from courses import content_cache
from courses.models import Lesson
from courses.rendering import published_lessons
from progress.chart import score_chart
from progress.models import ReviewCard
from progress.selectors import next_due_card
from quizzes.models import TestAttempt

from .status import LessonStatus, statuses_by_lesson


@dataclass
class LessonRow:
    """One lesson's line in "Every lesson", its cells ready to print: the table is drawn
    for every lesson on every visit, and flat values cost the template a lookup each."""

    lesson: object
    status: LessonStatus

    def __post_init__(self):
        status, progress = self.status, self.status.progress
        self.url, self.title = self.lesson.url, self.lesson.title
        self.track_title = self.lesson.track.title
        self.strength, self.strength_label = status.strength, status.strength_label
        self.latest = (
            f"{status.latest_score}/{status.latest_total}"
            if status.latest_score is not None
            else "—"
        )
        self.best = progress.best_score if progress and progress.best_score is not None else "—"
        self.tests = progress.tests_taken if progress else 0
        self.modes = len(status.visited)
        self.pattern_master = bool(progress and progress.pattern_master_at)

    @property
    def cells(self) -> tuple:
        return (self.url, self.title, self.track_title, self.strength, self.strength_label,
                self.latest, self.best, self.tests, self.modes, self.pattern_master)  # fmt: skip


@dataclass(frozen=True)
class Result:
    """A finished test as the chart plots it."""

    lesson: object
    score: int
    total: int
    finished_at: datetime


@dataclass
class Dashboard:
    rows: list[LessonRow]
    chart: object
    results: list[Result]
    due_count: int
    next_due: ReviewCard | None
    resume: TestAttempt | None
    recent: LessonRow | None

    # The lessons table and the chart are rendered once per process and content version
    # for what they print, so a part is drawn again only when that has changed (a test
    # finished, a mode visited). Keyed by their cells as a string.
    @property
    def rows_html(self) -> SafeString:
        key = content_cache.versioned_key("board-lessons", repr([r.cells for r in self.rows]))
        return content_cache.rendered_once(key, "progress/_board_lessons.html", {"rows": self.rows})

    @property
    def chart_html(self) -> SafeString:
        points = [(point.score, point.total, point.label) for point in self.chart.points]
        key = content_cache.versioned_key("board-chart", repr(points))
        return content_cache.rendered_once(key, "progress/_board_chart.html", {"chart": self.chart})

    def shown(self, now: datetime) -> dict[str, SafeString]:
        """What the board prints where one learner's differs from another's, as HTML by
        name; a name is left out where its part of the board is not shown (the template
        tests for it). The board around these is the same for every learner with the same
        names (learning.views.dashboard keeps it rendered with placeholders)."""
        shown = {"lessons": self.rows_html}
        if self.results:
            shown["chart"] = self.chart_html
        if self.resume:
            shown |= {
                "resume_title": escape(self.resume.lesson.title),
                "resume_number": escape(self.resume.position + 1),
                "resume_count": escape(self.resume.question_count),
                "resume_url": escape(reverse("learning:attempt", args=[self.resume.pk])),
            }
        elif self.recent:
            shown |= {"recent_title": escape(self.recent.title),
                      "recent_url": escape(self.recent.url)}  # fmt: skip
        if self.due_count:
            shown |= {"due_count": escape(self.due_count),
                      "due_noun": escape("card" if self.due_count == 1 else "cards")}  # fmt: skip
        elif self.next_due:
            shown |= {"next_title": escape(self.next_due.lesson.title),
                      "next_in": escape(timeuntil(self.next_due.due, now))}  # fmt: skip
        return shown


CHART_RESULTS = 30
PUBLISHED = Lesson.Status.PUBLISHED

# How many cards are due, the test to resume and the latest results: one row, one round
# trip (each part is an indexed lookup; as queries of their own they cost the dashboard two
# more). The test to resume is one JSON object and the results one JSON array
# (core.json_rows), not a subquery per column. Compiled once per process
# (core.statements); lessons come from the content cache.
_summary = Statement(
    lambda learner: (
        Learner.objects.filter(pk=learner)
        .annotate(
            due=Coalesce(
                Subquery(
                    ReviewCard.objects.filter(
                        learner_id=OuterRef("pk"), due__lte=Now(), lesson__status=PUBLISHED
                    )
                    .values("learner_id")
                    .annotate(due=Count("pk"))
                    .values("due")
                ),
                0,
            ),
            resume=Subquery(
                TestAttempt.objects.filter(
                    learner_id=OuterRef("pk"), status=TestAttempt.Status.IN_PROGRESS,
                    lesson__status=PUBLISHED,
                ).order_by("-started_at", "-pk").values(
                    json=JSONObject(id="pk", lesson_id="lesson_id", position="position",
                                    question_count="question_count")
                )[:1]
            ),
            results=JSONRows(
                TestAttempt.objects.filter(
                    learner_id=OuterRef("pk"), status=TestAttempt.Status.FINISHED,
                    lesson__status=PUBLISHED,
                ).order_by("-finished_at").values(
                    row=JSONObject(lesson_id="lesson_id", score="score",
                                   total="question_count", finished_at="finished_at")
                )[:CHART_RESULTS]
            ),
        )
        .values_list("due", "resume", "results")
    )
)  # fmt: skip


def _results(found: str | None, lessons_by_id: dict) -> list[Result]:
    """The latest results the summary gave (a JSON array), oldest first, each with its
    (published, cached) lesson; one whose lesson the cached list does not hold yet
    (published a moment ago) waits for it."""
    rows = [row for row in json.loads(found or "[]") if row["lesson_id"] in lessons_by_id]
    results = [
        Result(lessons_by_id[row["lesson_id"]], row["score"], row["total"],
               datetime.fromisoformat(row["finished_at"]))
        for row in rows
    ]  # fmt: skip
    return sorted(results, key=lambda result: result.finished_at)


def _resumable(resume: str | None, lessons_by_id: dict):
    """The open attempt the summary named (JSON), with its cached lesson (None if none, or
    if its lesson was published a moment ago and the cached list lacks it yet)."""
    if resume is None:
        return None
    fields = json.loads(resume)
    if fields["lesson_id"] not in lessons_by_id:
        return None
    attempt = TestAttempt.open_from(**fields)
    attempt.lesson = lessons_by_id[fields["lesson_id"]]
    return attempt


def dashboard(learner_id: int | None) -> Dashboard:
    """Everything /me/ shows: at most three queries, whatever the number of lessons,
    attempts or cards (the lessons themselves come from the content cache)."""
    now = timezone.now()
    statuses = statuses_by_lesson(learner_id)
    # A lesson taken back to draft leaves the dashboard; its history stays in the database.
    lessons = published_lessons()
    by_id = {lesson.pk: lesson for lesson in lessons}
    rows = [LessonRow(lesson, statuses.get(lesson.pk) or LessonStatus()) for lesson in lessons]
    results, due_count, next_due, resume = [], 0, None, None
    if learner_id is not None:
        # One row; none if the learner was deleted since the session named them.
        due_count, resume, found = next(iter(_summary.tuples(learner=learner_id)), (0, None, None))
        results, resume = _results(found, by_id), _resumable(resume, by_id)
        next_due = None if due_count else next_due_card(learner_id, now)
    chart = score_chart(
        [(r.score, r.total, f"{r.lesson.title}, {r.finished_at:%d %b}") for r in results]
    )
    touched = [row for row in rows if row.status.progress]
    recent = max(touched, key=lambda row: row.status.progress.last_activity, default=None)
    return Dashboard(rows, chart, results, due_count, next_due, resume, recent)
