"""Four learning modes of a lesson — Deep dive, Why it matters, Visualize and Analogy — and
"Mark this mode as done".

GET only reads. A learner's visit is recorded by POST: the "Mark this mode as done" button
on the reading modes, and a graded diagram quiz or matching exercise. Graded input is
validated by a form first; anything odd is a 400 with a message and writes nothing. With
htmx a page answers with one of its partials; without JavaScript, with the whole page.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.learners import get_or_create_learner
from courses import selectors
from courses.models import Lesson, Section
from courses.modes import MODES_BY_SLUG, SELF_MARKED, mode_url
from progress.services import record_mode_visit
from quizzes.diagram_quiz import QUIZ_LENGTH, grade_quiz
from quizzes.forms import ComponentForm, DiagramQuizForm, MatchingForm
from quizzes.matching import MIN_PAIRS, grade_matches, shuffled_counterparts

from ..preview import drafts_visible
from ..rendering import render_mode_page


def _page(request: HttpRequest, lesson: Lesson, mode: str, template: str, context: dict, *,
          partial: str | None = None, status: int = 200) -> TemplateResponse:  # fmt: skip
    """A mode page with the lesson's header and the chooser with `mode` current, or its
    `partial` for htmx (which updates the chooser too, out of band)."""
    return render_mode_page(request, template, lesson, mode, context, partial=partial,
                            status=status, header_in_partial=True)  # fmt: skip


def _record_visit(request: HttpRequest, lesson: Lesson, mode: str) -> None:
    record_mode_visit(learner_id=get_or_create_learner(request).pk, lesson_id=lesson.pk, mode=mode)


@require_GET
def deep_dive(request: HttpRequest, slug: str) -> TemplateResponse:
    """What it is, why it matters, where it fits and a mental model.
    Models: Lesson, Section (deep_dive). Template: courses/modes/deep_dive.html."""
    lesson = selectors.lesson_with_sections(
        slug, (Section.Kind.DEEP_DIVE,), drafts=drafts_visible(request)
    )
    context = {"sections": lesson.mode_sections}
    return _page(request, lesson, "deep-dive", "courses/modes/deep_dive.html", context)


@require_GET
def why_it_matters(request: HttpRequest, slug: str) -> TemplateResponse:
    """Use cases: scenario, problem and solution, then the code before and after.
    Models: Lesson, Section (use_case), SectionItem. Template: courses/modes/why_it_matters.html."""
    lesson = selectors.lesson_with_sections(
        slug, (Section.Kind.USE_CASE,), items=True, drafts=drafts_visible(request)
    )
    context = {"sections": lesson.mode_sections}
    return _page(request, lesson, "why-it-matters", "courses/modes/why_it_matters.html", context)


VISUALIZE = "courses/modes/visualize.html"


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def visualize(request: HttpRequest, slug: str) -> TemplateResponse:
    """The diagram to explore (`?component=<key>` opens a box's panel; htmx swaps only the
    panel), then the diagram quiz, graded on POST.
    Models: Lesson, Section, SectionItem, Question, Option.
    Template: courses/modes/visualize.html."""
    lesson = selectors.lesson_for_visualize(slug, drafts=drafts_visible(request))
    diagram = selectors.diagram_of(lesson.mode_sections)
    questions = lesson.diagram_questions[:QUIZ_LENGTH]
    context = {"diagram": diagram, "questions": questions, "component": None}
    if request.method == "POST":
        return _grade_diagram_quiz(request, lesson, context)
    components = diagram.components if diagram else {}
    chooser = ComponentForm(request.GET, keys=list(components))
    if chooser.is_valid():
        context["component"] = components.get(chooser.cleaned_data["component"])
    context["component_form"] = chooser
    context["quiz_form"] = DiagramQuizForm(questions=questions)
    status = 200 if chooser.is_valid() else 400
    return _page(request, lesson, "visualize", VISUALIZE, context, partial="panel_swap",
                 status=status)  # fmt: skip


def _grade_diagram_quiz(request: HttpRequest, lesson: Lesson, context: dict) -> TemplateResponse:
    """All the quiz's answers at once: refused whole (400) or graded and the visit recorded."""
    form = DiagramQuizForm(request.POST, questions=context["questions"])
    if not form.is_valid():
        context["quiz_form"] = form
        return _page(request, lesson, "visualize", VISUALIZE, context, partial="quiz", status=400)
    _record_visit(request, lesson, "visualize")
    context["quiz_result"] = grade_quiz(context["questions"], form.answers)
    return _page(request, lesson, "visualize", VISUALIZE, context, partial="quiz_swap")


ANALOGY = "courses/modes/analogy.html"


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def analogy(request: HttpRequest, slug: str) -> TemplateResponse:
    """The analogy's story, then matching each concept to its counterpart, graded on POST.
    Models: Lesson, Section (analogy), SectionItem. Template: courses/modes/analogy.html."""
    lesson = selectors.lesson_with_sections(
        slug, (Section.Kind.ANALOGY,), items=True, drafts=drafts_visible(request)
    )
    section = next(iter(lesson.mode_sections), None)
    concepts = list(section.items.all()) if section else []
    offered = shuffled_counterparts(concepts, lesson.pk)
    data = request.POST if request.method == "POST" else None
    form = MatchingForm(data, concepts=concepts, offered=offered)
    context = {"section": section, "offered": offered, "form": form,
               "can_match": len(concepts) >= MIN_PAIRS}  # fmt: skip
    if request.method == "GET":
        return _page(request, lesson, "analogy", ANALOGY, context)
    if not form.is_valid():
        return _page(request, lesson, "analogy", ANALOGY, context, partial="matching", status=400)
    _record_visit(request, lesson, "analogy")
    context["result"] = grade_matches(concepts, offered, form.picks)
    return _page(request, lesson, "analogy", ANALOGY, context, partial="matching_swap")


@require_POST
def mode_done(request: HttpRequest, slug: str, mode: str) -> HttpResponse:
    """Mark a mode of a lesson as done (a visit), then go back to that mode's page.
    Models: Lesson, LessonProgress. Template (unknown mode): courses/modes/unknown_mode.html."""
    known = MODES_BY_SLUG.get(mode)
    lesson = selectors.lesson_for_learner(slug, drafts=drafts_visible(request))
    if known is None or known.slug not in SELF_MARKED:
        context = {"mode_slug": mode, "lesson": lesson}
        return TemplateResponse(request, "courses/modes/unknown_mode.html", context, status=400)
    _record_visit(request, lesson, known.slug)
    url = mode_url(known, lesson.slug) or lesson.get_absolute_url()
    return HttpResponseRedirect(f"{url.split('#')[0]}#mode-done", status=303)
