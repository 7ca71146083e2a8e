"""Two learning modes on a lesson's own questions: Practice and Challenge.

One view per mode, one URL for its GET and its POSTs (one POST URL serves every button).
With htmx only the mode's card is swapped (the template's `card` partial); with JavaScript
off the same URLs serve whole pages. GET never writes. Input is validated by a form
first: anything odd is a 400 with a message and writes nothing; a replayed, stale or
out-of-order challenge form is a 409 and changes nothing.
"""

from types import SimpleNamespace

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import retarget

from accounts.learners import current_learner_id, get_or_create_learner
from config.htmx import wants_fragment
from courses.models import Lesson
from courses.modes import MODES_BY_SLUG
from courses.selectors import mode_page_context
from progress.selectors import lesson_status, status_of

from . import challenge, practice, selectors
from .forms import AnswerForm, ChallengeStepForm, PracticeStepForm

PRACTICE = "quizzes/practice.html"
CHALLENGE = "quizzes/challenge.html"


def _render(
    request: HttpRequest, template: str, lesson: Lesson, mode: str, card: dict,
    status: int = 200, progress=None, partial: str = "card",
) -> TemplateResponse:  # fmt: skip
    """The mode page, or only its card for an htmx swap. The page around the card (header,
    mode chooser) needs the learner's status: one query, which a swap skips, and which a
    POST that has just written the learner's `progress` row builds from that row instead
    (the same context as `mode_page_context`; a POST's budget is ten queries)."""
    context = {"lesson": lesson, **card}
    if wants_fragment(request):
        return TemplateResponse(request, f"{template}#{partial}", context, status=status)
    if progress is None:
        chrome = mode_page_context(request, lesson, mode)
    else:
        learner_status = status_of(progress, timezone.now())
        chrome = {"lesson": lesson, "status": learner_status, "current_mode": mode,
                  "mode_links": lesson.mode_links(learner_status.visited)}  # fmt: skip
    context = {**chrome, "mode": MODES_BY_SLUG[mode], "minutes": lesson.minutes_for(mode),
               **context}  # fmt: skip
    return TemplateResponse(request, template, context, status=status)


def _errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _review(question, selected: list[int], typed: str, revealed: bool) -> SimpleNamespace:
    """What quizzes/_answer_review.html reads as `slot`: the question, the learner's last
    answer, and the confusions their wrong choices reflect."""
    options = list(question.options.all())
    chosen = [option for option in options if option.pk in selected]
    return SimpleNamespace(
        question=question,
        options=options,
        chosen=chosen,
        confusions=[o.confusion for o in chosen if o.confusion_id and not o.is_correct],
        response=SimpleNamespace(typed_answer=typed),
        revealed=revealed,
    )


# --- Practice ----------------------------------------------------------------------------


@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def practice_mode(request: HttpRequest, slug: str) -> HttpResponse:
    """The lesson's practice questions one at a time (`?q=3`): check an answer as often as
    you like, ask for the hint, or show the solution; then the step-by-step solution, the
    quick check and the common mistakes. Models: Lesson, Question, Option, LessonProgress.
    Template: quizzes/practice.html."""
    lesson, questions = practice.practice_set(slug)
    if not questions:
        return _render(request, PRACTICE, lesson, "practice", {"state": "empty"})
    if request.method == "POST":
        return _practice_post(request, lesson, questions)
    number = request.GET.get("q", "1")
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= len(questions):
        raise Http404("No such practice question.")
    return _practice_page(request, lesson, _practice_card(questions, int(number)))


def _practice_post(request: HttpRequest, lesson: Lesson, questions: list) -> HttpResponse:
    ids = [question.pk for question in questions]
    step = PracticeStepForm(request.POST, question_ids=ids)
    if not step.is_valid():
        card = _practice_card(questions, 1, errors=_errors(step))
        return _practice_page(request, lesson, card, status=400)
    action, hint = step.cleaned_data["action"], step.cleaned_data["hint"]
    number = ids.index(step.cleaned_data["question"]) + 1
    question = questions[number - 1]
    form = AnswerForm(request.POST, question=question, options=question.options.all())
    kept = {"checked": form.selected, "typed": form.typed} if form.is_valid() else {}
    if action == "hint":
        return _practice_page(request, lesson, _practice_card(questions, number, hint=True, **kept))
    if action == "reveal":
        learner = get_or_create_learner(request)
        progress = practice.reveal_solution(learner=learner, question=question)
        mine = (form.selected, form.typed) if kept else ([], "")
        card = _practice_card(questions, number, review=_review(question, *mine, revealed=True))
        return _practice_page(request, lesson, card, progress=progress)
    if not kept:
        card = _practice_card(questions, number, hint=hint, errors=_errors(form))
        return _practice_page(request, lesson, card, status=400)
    learner = get_or_create_learner(request)
    solved, progress = practice.check_answer(
        learner=learner, question=question, selected=form.selected, typed=form.typed
    )
    if solved:
        review = _review(question, form.selected, form.typed, revealed=False)
        card = _practice_card(questions, number, review=review)
    else:
        card = _practice_card(questions, number, hint=hint, wrong=True, **kept)
    return _practice_page(request, lesson, card, progress=progress)


def _practice_card(questions: list, number: int, **state) -> dict:
    """The card for question `number`: its form (with `hint`, `wrong`, `errors`, the
    learner's `checked` options and `typed` text), or with a `review` its solution."""
    return {
        "state": "review" if state.get("review") else "question",
        "questions": questions,
        "question": questions[number - 1],
        "number": number,
        "prompt_id": f"prompt-{number}",
        "count": len(questions),
        "next_number": number + 1 if number < len(questions) else None,
        "checked": [],
        "typed": "",
        **state,
    }


def _practice_page(request: HttpRequest, lesson: Lesson, card: dict, progress=None,
                   status: int = 200) -> TemplateResponse:  # fmt: skip
    """Render the practice card with how many questions the learner has solved, from
    `progress` when this request wrote it, else from their status (one query)."""
    response = _render(request, PRACTICE, lesson, "practice", card, status, progress)
    if "status" in response.context_data:  # the whole page has it
        progress = response.context_data["status"].progress
    elif progress is None:
        progress = lesson_status(request, lesson).progress
    keys = {question.key for question in card["questions"]}
    response.context_data["solved"] = len(keys & set(progress.practice_solved if progress else []))
    return response


# --- Challenge ---------------------------------------------------------------------------

PROBLEM_ACTIONS = {
    "start": challenge.start_problem,
    "answer": challenge.answer_problem,
    "hint": challenge.use_hint,
    "give_up": challenge.give_up,
}
RUN_ACTIONS = {**PROBLEM_ACTIONS, "restart": challenge.restart_run, "extend": challenge.extend_time}


@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def challenge_mode(request: HttpRequest, slug: str) -> HttpResponse:
    """The lesson's hard problems, each on a clock the server keeps, two attempts each, a
    hint on request, extended time on request, and Pattern Master for a clean run.
    Models: Lesson, Question, ChallengeRun, ChallengeProblem, LessonProgress.
    Template: quizzes/challenge.html."""
    if request.method == "POST":
        return _challenge_post(request, slug)
    lesson = _lesson(slug)
    return _challenge_page(request, lesson, selectors.latest_challenge_run(request, lesson))


def _challenge_post(request: HttpRequest, slug: str) -> HttpResponse:
    """Every button of the page. A run's own actions read the lesson with the locked run."""
    step = ChallengeStepForm(request.POST)
    if not step.is_valid():
        return _challenge_refused(request, _lesson(slug), _errors(step), status=400)
    data, url = step.cleaned_data, reverse("quizzes:challenge", args=[slug])
    action = data["action"]
    if action == "start_run":
        lesson, learner = _lesson(slug), get_or_create_learner(request)
        try:
            challenge.start_run(learner=learner, lesson=lesson, extended=data["extended"])
        except challenge.ChallengeUnavailable as error:
            return _challenge_refused(request, lesson, str(error), status=409)
        return HttpResponseRedirect(url, status=303)
    where = {"learner_id": current_learner_id(request), "lesson_slug": slug, "run_id": data["run"]}
    if action in PROBLEM_ACTIONS:
        where |= {"number": data["number"], "step": data["step"]}
        if action == "answer":
            where["data"] = request.POST
    outcome = RUN_ACTIONS[action](**where)
    lesson = outcome.run.lesson
    if outcome.status == "conflict":
        return _challenge_refused(request, lesson, outcome.message, status=409)
    if outcome.status == "invalid":
        message = _errors(outcome.form)
        return _challenge_page(request, lesson, outcome.run, message=message, status=400)
    if action == "restart" or not wants_fragment(request):
        return HttpResponseRedirect(f"{url}#challenge-card", status=303)
    # Extended time swaps only the timing box: an answer being typed stays as it is.
    part = "timing" if action == "extend" else "card"
    return _challenge_page(request, lesson, outcome.run, event=outcome.event, partial=part)


def _lesson(slug: str) -> Lesson:
    return get_object_or_404(Lesson.objects.select_related("track"), slug=slug)


def _challenge_refused(request, lesson, message: str, status: int) -> TemplateResponse:
    """Nothing changed: say why, above the learner's current run (the whole card, whatever
    part of it the form meant to swap)."""
    run = selectors.latest_challenge_run(request, lesson)
    response = _challenge_page(request, lesson, run, message=message, status=status)
    return retarget(response, "#challenge-card") if wants_fragment(request) else response


def _challenge_page(request, lesson, run, message="", status=200, event="", partial="card"):
    card = _challenge_card(lesson, run, message, event)
    return _render(request, CHALLENGE, lesson, "challenge", card, status, partial=partial)


def _challenge_card(lesson: Lesson, run, message: str, event: str = "") -> dict:
    """Which card the run is at, as of now: intro (no run yet), ready (the next problem to
    start, after the previous one's solution), question, expired (time ran out before an
    answer arrived) or summary (the run is over)."""
    now = timezone.now()
    card = {"run": run, "message": message, "event": event}
    if run is None:
        return {**card, "state": "intro", "limits": challenge.problem_limits(lesson)}
    if not run.is_open:
        problems = [_with_review(problem) for problem in run.problem_list]
        solved = sum(problem.solved for problem in problems)
        return {**card, "state": "summary", "problems": problems, "solved": solved}
    problem = run.problem_list[run.position]
    card["problem"] = problem
    if not problem.is_started:
        previous = run.problem_list[run.position - 1] if run.position else None
        return {**card, "state": "ready", "previous": previous and _with_review(previous)}
    if now > problem.deadline + challenge.GRACE:
        return {**card, "state": "expired"}
    card["prompt_id"] = f"problem-prompt-{problem.number}"
    card["deadline_iso"] = problem.deadline.isoformat(timespec="milliseconds")
    card["now_iso"] = now.isoformat(timespec="milliseconds")
    return {**card, "state": "question", "time_left": problem.deadline - now}


def _with_review(problem):
    """A finished problem, with its solution and the learner's last answer."""
    problem.review = _review(
        problem.question, problem.selected_options, problem.typed_answer,
        revealed=not problem.solved,
    )  # fmt: skip
    return problem
