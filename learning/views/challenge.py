"""Challenge mode: a lesson's hard problems, each on a clock the server keeps.

One URL for the GET and every button's POST. With htmx only the card (or the timing box)
is swapped; with JavaScript off the same URL serves whole pages. GET never writes. Input
is validated by a form first: anything odd is a 400 with a message and writes nothing; a
replayed, stale or out-of-order form is a 409 and changes nothing.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import retarget

from accounts.learners import current_learner_id, get_or_create_learner
from core.never_cache import never_cache
from courses.models import Lesson
from courses.selectors import lesson_header
from quizzes import challenge, selectors
from quizzes.forms import ChallengeStepForm
from quizzes.review import review_of_problem

from ..preview import drafts_visible
from ..rendering import render_mode_page, wants_fragment
from .practice import _errors

CHALLENGE = "quizzes/challenge.html"


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
    lesson = _lesson(request, slug)
    return _challenge_page(
        request, lesson, selectors.latest_challenge_run(current_learner_id(request), lesson)
    )


def _challenge_post(request: HttpRequest, slug: str) -> HttpResponse:
    """Every button of the page. A run's own actions read the lesson with the locked run."""
    step = ChallengeStepForm(request.POST)
    if not step.is_valid():
        return _challenge_refused(request, _lesson(request, slug), _errors(step), status=400)
    data, url = step.cleaned_data, reverse("learning:challenge", args=[slug])
    action = data["action"]
    if action == "start_run":
        lesson, learner = _lesson(request, slug), get_or_create_learner(request)
        try:
            challenge.start_run(learner=learner, lesson=lesson, extended=data["extended"])
        except challenge.ChallengeUnavailable as error:
            return _challenge_refused(request, lesson, str(error), status=409)
        return HttpResponseRedirect(url, status=303)
    where = {"learner_id": current_learner_id(request), "lesson_slug": slug, "run_id": data["run"],
             "drafts": drafts_visible(request)}  # fmt: skip
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


def _lesson(request: HttpRequest, slug: str) -> Lesson:
    return lesson_header(slug, drafts=drafts_visible(request))


def _challenge_refused(request, lesson, message: str, status: int) -> TemplateResponse:
    """Nothing changed: say why, above the learner's current run (the whole card, whatever
    part of it the form meant to swap)."""
    run = selectors.latest_challenge_run(current_learner_id(request), lesson)
    response = _challenge_page(request, lesson, run, message=message, status=status)
    return retarget(response, "#challenge-card") if wants_fragment(request) else response


def _challenge_page(request, lesson, run, message="", status=200, event="", partial="card"):
    card = _challenge_card(lesson, run, message, event)
    return render_mode_page(
        request, CHALLENGE, lesson, "challenge", card, status=status, partial=partial
    )


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
    problem.review = review_of_problem(problem)
    return problem
