"""The "Test this pattern" flow: start, one question at a time, feedback, result.

With htmx, only the question card is swapped (the view renders the page's partial); with
JavaScript off, the same URLs serve whole pages through POST, redirect, GET.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from accounts.learners import current_learner_id, get_or_create_learner
from core.never_cache import never_cache
from courses.models import Question
from courses.rendering import lesson_by_id
from courses.selectors import lesson_for_learner
from progress.strength import LABELS, RULE
from quizzes import question_cache, selectors, services
from quizzes.drawing import shuffled_options
from quizzes.forms import TestAnswerForm, answer_token, signed_position
from quizzes.models import AttemptQuestion, TestAttempt
from quizzes.question_cache import Draw
from quizzes.review import AnswerReview, review_of_slot

from ..page_cache import fragment, hole_html, hole_html_once, page_with_holes, placeholder
from ..preview import drafts_visible
from ..rendering import wants_fragment

PAGE = "quizzes/attempt.html"
ENDED_EARLY = (
    "Test ended. You had seen feedback, so it counts: the questions you had not answered "
    "are marked wrong."
)


def _card(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    """The attempt page, or only its card for an htmx swap."""
    return _page(request, context["lesson"], hole_html(f"{PAGE}#card", context), status)


def _page(request: HttpRequest, lesson, card: bytes, status: int = 200) -> HttpResponse:
    """The card on its own for an htmx swap, else the page around it: the same for every
    test of a lesson, rendered once per process (page_cache.page_with_holes)."""
    if wants_fragment(request):
        return fragment(request, card, status)
    return page_with_holes(request, PAGE, {"lesson": lesson}, holes={"card": card},
                           key=(lesson.pk,), status=status)  # fmt: skip


def _question_context(attempt: TestAttempt, draw: Draw, slot, form=None, message: str = ""
                      ) -> dict:  # fmt: skip
    """The question card's context; `form`: the answer sent, when it had errors."""
    errors = form is not None and form.errors
    return {
        "attempt": attempt,
        "lesson": attempt.lesson,
        "slot": slot,
        "form": form,
        "choices": None
        if errors or slot.question.is_typed
        else question_cache.choices_html(slot.question, slot.options),
        "token": answer_token(draw, slot.position),
        "message": message,
        "state": "question",
        "answer_url": reverse("learning:answer", args=[attempt.pk]),
        "abandon_url": reverse("learning:abandon", args=[attempt.pk]),
        "seen_feedback": attempt.position > 0,
    }


def _question_card(attempt: TestAttempt, draw: Draw, slot) -> bytes:
    """The question card as the learner first gets it (no answer sent back, no message).
    Every learner at this question, in a test like theirs, sees the same card but for its
    number, the order of its choices, their links and token: it is rendered once (per
    content version) with placeholders there (page_cache.hole_html_once), and filled."""
    context = _question_context(attempt, draw, slot)
    own = {"done": attempt.position, "number": slot.position + 1, "token": context["token"],
           "answer_url": context["answer_url"], "abandon_url": context["abandon_url"]}  # fmt: skip
    if context["choices"] is not None:
        own["choices"] = context["choices"]
    fills = {name: conditional_escape(value) for name, value in own.items()}

    def skeleton_context() -> dict:  # only when this key's card is not kept yet
        shown = {name: placeholder(name) for name in fills}
        stand_in = SimpleNamespace(
            position=shown["done"], question_count=attempt.question_count,
            is_practice=attempt.is_practice, seen_count=attempt.seen_count,
        )  # fmt: skip
        slot_shown = SimpleNamespace(question=slot.question, number=shown["number"])
        return context | shown | {"attempt": stand_in, "slot": slot_shown}

    key = ("question", attempt.lesson.pk, slot.question.pk, attempt.question_count,
           attempt.seen_count, context["seen_feedback"])  # fmt: skip
    return hole_html_once(f"{PAGE}#card", skeleton_context, key=key, fills=fills)


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a test of a lesson (or resume the open one) and go to its current question."""
    lesson = lesson_for_learner(slug, drafts=drafts_visible(request))
    learner = get_or_create_learner(request)
    try:
        attempt = services.start_test(learner=learner, lesson=lesson)
    except services.TestUnavailable as error:
        messages.error(request, str(error))
        return redirect(lesson)
    return HttpResponseRedirect(reverse("learning:attempt", args=[attempt.pk]), status=303)


def _drawn(draw: Draw, position: int) -> tuple[Question, list]:
    """The question drawn at a position and its options in this attempt's order, from the
    cached draw and question."""
    question = question_cache.cached_question(draw.slots[position][1])
    return question, shuffled_options(question.option_list, draw.seed, question.pk)


def _drawn_slot(attempt: TestAttempt, draw: Draw, position: int,
                drawn: tuple[Question, list] | None = None) -> AttemptQuestion:  # fmt: skip
    """The drawn question at a position, as an (unsaved) slot of the attempt; `drawn`:
    its question and options when the caller has them already."""
    question, options = drawn or _drawn(draw, position)
    slot = AttemptQuestion(pk=draw.slots[position][0], attempt=attempt, question=question,
                           position=position)  # fmt: skip
    slot.options = options
    return slot


@never_cache
@require_GET
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The current question of an open attempt."""
    attempt = selectors.attempt_for(current_learner_id(request), attempt_id)
    if attempt.status == TestAttempt.Status.FINISHED:
        return redirect("learning:result", attempt.pk)
    if attempt.status == TestAttempt.Status.ABANDONED:
        messages.info(request, "That test was abandoned. Start a new one when you are ready.")
        return redirect(attempt.lesson)
    draw = question_cache.attempt_draw(attempt.pk, attempt.learner_id)
    slot = _drawn_slot(attempt, draw, attempt.position)
    return _page(request, attempt.lesson, _question_card(attempt, draw, slot))


@never_cache
@require_POST
def answer(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Grade one answer. Bad input: 400 and nothing written. Replays: 409 and a message."""
    learner_id = current_learner_id(request)
    signed = signed_position(request.POST.get("token", ""), attempt_id)
    if signed and signed.draw.learner_id == learner_id:
        draw = signed.draw  # the token's own, signed: no lookup
    else:  # a bad token, or the test moved to this learner's account since (a sign-in)
        draw = question_cache.attempt_draw(attempt_id, learner_id)
    if draw is None:
        raise Http404("No such test.")
    position = signed.position if signed else None
    form = TestAnswerForm(request.POST, position=position, question_at=lambda p: _drawn(draw, p))
    if form.expired:
        attempt = selectors.attempt_for(draw.learner_id, attempt_id)
        if not attempt.is_open:
            context = {"attempt": attempt, "lesson": attempt.lesson, "state": "conflict",
                       "message": "This test is already finished."}  # fmt: skip
            return _card(request, context, status=409)
        slot = _drawn_slot(attempt, draw, min(attempt.position, draw.question_count - 1))
        message = "This form has expired or was changed. Here is your current question."
        return _card(request, _question_context(attempt, draw, slot, message=message), status=400)
    position = form.position
    if not form.is_valid():
        attempt = selectors.attempt_for(draw.learner_id, attempt_id)
        slot = _drawn_slot(attempt, draw, position)
        context = _question_context(attempt, draw, slot, form=form)
        return _card(request, context, status=400)
    outcome = services.submit_answer(
        draw=draw, position=position, question=form.question, options=form.options,
        selected=form.selected, typed=form.typed,
    )  # fmt: skip
    if outcome.status != "graded":
        attempt = outcome.attempt
        context = {"attempt": attempt, "lesson": attempt.lesson, "state": "conflict",
                   "message": outcome.message}  # fmt: skip
        return _card(request, context, status=409)
    if not request.htmx:
        url = reverse("learning:feedback", args=[attempt_id, position + 1])
        return HttpResponseRedirect(url, status=303)
    attempt = outcome.attempt
    attempt.lesson = lesson_by_id(attempt.lesson_id)
    slot = _drawn_slot(attempt, draw, position, drawn=(form.question, form.options))
    slot.response = outcome.response
    return _page(request, attempt.lesson, _feedback_card(attempt, slot))


@dataclass
class _ReviewWithPlaceholders(AnswerReview):
    """A review that prints placeholders where one learner's differs from the next's with
    the same verdict: the question's number, the typed answer, the options in their order
    marked as chosen, and the confusions their wrong choices reflect (as many as theirs)."""

    confusion_count: int = 0

    @property
    def option_lines(self) -> SafeString:
        return placeholder("lines")

    @property
    def confusions(self) -> list:
        return [SimpleNamespace(key=placeholder(f"confusion{i}_key"),
                                heading=placeholder(f"confusion{i}_heading"))
                for i in range(self.confusion_count)]  # fmt: skip


def _feedback_card(attempt: TestAttempt, slot) -> bytes:
    """The graded question's card. Every learner who gets this question right (or wrong,
    reflecting as many confusions) in a test of this length sees the same card but for
    its number, their answer, the confusions and a link; so it is rendered once (per
    content version) with placeholders there (page_cache.hole_html_once), and filled."""
    review = review_of_slot(slot)
    url = "learning:attempt" if attempt.is_open else "learning:result"
    fills = {"number": str(review.number), "next_url": reverse(url, args=[attempt.pk])}
    if review.question.is_typed:
        if review.typed:
            fills["typed"] = conditional_escape(review.typed)
    else:
        fills["lines"] = review.option_lines
    confusions = review.confusions
    for i, confusion in enumerate(confusions):
        fills[f"confusion{i}_key"] = conditional_escape(confusion.key)
        fills[f"confusion{i}_heading"] = conditional_escape(confusion.heading)

    def context() -> dict:  # only when this key's card is not kept yet
        holes = {name: placeholder(name) for name in ("number", "typed") if name in fills}
        return {
            "attempt": attempt,
            "lesson": attempt.lesson,
            "review": _ReviewWithPlaceholders(
                **(vars(review) | holes), confusion_count=len(confusions)
            ),
            "next_url": placeholder("next_url"),
            "state": "feedback",
        }

    key = ("feedback", attempt.lesson.pk, attempt.question_count, attempt.is_open,
           review.question.pk, review.is_correct, bool(review.typed), len(confusions))  # fmt: skip
    return hole_html_once(f"{PAGE}#card", context, key=key, fills=fills)


@never_cache
@require_GET
def feedback(request: HttpRequest, attempt_id: int, number: int) -> HttpResponse:
    """The graded question with its solution: only once it has been answered."""
    attempt = selectors.attempt_for(current_learner_id(request), attempt_id)
    slot = selectors.slot_at(attempt, number - 1)
    if slot.answer is None:
        return redirect("learning:attempt", attempt.pk)
    return _page(request, attempt.lesson, _feedback_card(attempt, slot))


@never_cache
@require_GET
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Score overall and per difficulty, strength and its rule, the missed questions."""
    attempt = selectors.attempt_for(current_learner_id(request), attempt_id)
    if attempt.status != TestAttempt.Status.FINISHED:
        return redirect("learning:attempt", attempt.pk)
    slots = selectors.slots_with_responses(attempt)
    by_difficulty = {}
    for slot in slots:
        row = by_difficulty.setdefault(slot.question.difficulty, {"correct": 0, "total": 0})
        row["total"] += 1
        row["correct"] += slot.response.is_correct
    context = {
        "attempt": attempt,
        "lesson": attempt.lesson,
        "by_difficulty": [
            (label, by_difficulty[level])
            for level, label in (("easy", "Easy"), ("medium", "Medium"), ("hard", "Hard"))
            if level in by_difficulty
        ],
        "missed": [review_of_slot(slot) for slot in slots if not slot.response.is_correct],
        "unanswered": sum(slot.response.is_blank for slot in slots),
        "strength_label": LABELS[attempt.strength],
        "rule": RULE,
        "state": "result",
    }
    return TemplateResponse(request, "quizzes/result.html", context)


@require_POST
def abandon(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Stop an open attempt: closed without a result before any answer, finished with the
    unanswered questions wrong after one (`services.abandon_test`)."""
    attempt = selectors.attempt_for(current_learner_id(request), attempt_id)
    stopped = services.abandon_test(attempt_id=attempt.pk, learner_id=current_learner_id(request))
    if stopped and stopped.status == TestAttempt.Status.FINISHED:
        messages.info(request, ENDED_EARLY)
        return redirect("learning:result", attempt.pk)
    if stopped:
        messages.info(request, "Test abandoned before any answer, so nothing from it counts.")
    elif attempt.status == TestAttempt.Status.FINISHED:
        messages.info(request, "That test is already finished; its result stands.")
        return redirect("learning:result", attempt.pk)
    return redirect(attempt.lesson)
