"""Practice mode: a lesson's practice questions one at a time; check an answer as often as
you like, ask for the hint, or show the solution. Nothing is at stake.

One URL for the GET and every button's POST. With htmx only the card is swapped; with
JavaScript off the same URL serves whole pages. GET never writes. Input is validated by a
form first: anything odd is a 400 with a message and writes nothing.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.learners import current_learner_id, get_or_create_learner
from core.never_cache import never_cache
from courses.models import Lesson
from progress.selectors import progress_of
from quizzes import practice
from quizzes.forms import AnswerForm, PracticeStepForm
from quizzes.review import AnswerReview

from ..preview import drafts_visible
from ..rendering import render_mode_page

PRACTICE = "quizzes/practice.html"


def _review(question, selected: list[int], typed: str, **state) -> AnswerReview:
    return AnswerReview(question, list(question.options.all()), selected, typed, **state)


def _errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def practice_mode(request: HttpRequest, slug: str) -> HttpResponse:
    """The lesson's practice questions one at a time (`?q=3`): check an answer as often as
    you like, ask for the hint, or show the solution; then the step-by-step solution, the
    quick check and the common mistakes. Models: Lesson, Question, Option, LessonProgress.
    Template: quizzes/practice.html."""
    lesson, questions = practice.practice_set(slug, drafts=drafts_visible(request))
    if not questions:
        return render_mode_page(request, PRACTICE, lesson, "practice", {"state": "empty"})
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
        review = _review(question, form.selected, form.typed, is_correct=True)
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
    response = render_mode_page(
        request, PRACTICE, lesson, "practice", card, status=status, progress=progress
    )
    if "status" in response.context_data:  # the whole page has it
        progress = response.context_data["status"].progress
    elif progress is None:
        progress = progress_of(current_learner_id(request), lesson.pk)
    keys = {question.key for question in card["questions"]}
    response.context_data["solved"] = len(keys & set(progress.practice_solved if progress else []))
    return response
