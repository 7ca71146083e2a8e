"""Authoring previews for staff: a question exactly as a learner meets it in the test.

Linked from the question's admin page. The card is the test's own (quizzes/_test_question.html),
with the options shuffled as a test shuffles them; under it, the feedback a learner gets for
a right and for a wrong answer (quizzes/_answer_review.html). Answering the card grades the
choice without writing anything. `?theme=light|dark` forces a colour scheme.
"""

import random
from types import SimpleNamespace

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from core.never_cache import never_cache
from courses.models import Question
from quizzes.drawing import shuffled_options
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.review import AnswerReview

from ..rendering import render_page

PAGE = "courses/admin/question_preview.html"
THEMES = {"light": "not all", "dark": "all"}  # the dark stylesheets' media, per forced theme
WRONG_TYPED_ANSWER = "(an answer that differs from the expected output)"
TEST_LENGTH = 10


def example_reviews(question: Question, options: list) -> tuple[AnswerReview, AnswerReview]:
    """The feedback for a right answer and for a wrong one (the first wrong option shown)."""
    right_ids = [option.pk for option in options if option.is_correct]
    wrong_ids = [option.pk for option in options if not option.is_correct][:1]
    right = AnswerReview(question=question, options=options, selected=right_ids,
                         typed=question.expected_output, is_correct=True, number=1)  # fmt: skip
    wrong = AnswerReview(question=question, options=options, selected=wrong_ids,
                         typed=WRONG_TYPED_ANSWER, is_correct=False, number=1)  # fmt: skip
    return right, wrong


def _seed(request: HttpRequest) -> int:
    try:
        return int(request.GET["seed"])
    except (KeyError, ValueError):
        return random.SystemRandom().randrange(1, 1_000_000)


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def question_preview(request: HttpRequest, question_id: int) -> HttpResponse:
    if not request.user.has_perm("courses.change_question"):
        raise PermissionDenied
    question = get_object_or_404(Question.objects.select_related("lesson"), pk=question_id)
    seed, theme = _seed(request), request.GET.get("theme", "")
    options = shuffled_options(question.options.select_related("confusion"), seed, question.pk)
    here = reverse("learning:question-preview", args=[question.pk])
    form = AnswerForm(request.POST if request.method == "POST" else None,
                      question=question, options=options)  # fmt: skip
    context = {
        "question": question,
        "lesson": question.lesson,
        "theme": theme,
        "dark_media": THEMES.get(theme),
        "state": "question",
        "form": form,
        "token": "",
        "attempt": SimpleNamespace(question_count=TEST_LENGTH, position=0),
        "slot": SimpleNamespace(question=question, options=options, number=1),
        "answer_url": f"{here}?{urlencode({'seed': seed, 'theme': theme})}",
        "theme_links": [
            (name, f"{here}?{urlencode({'seed': seed, 'theme': name})}")
            for name in ("light", "dark", "")
        ],  # fmt: skip
        "examples": example_reviews(question, options),
    }
    if request.method == "POST" and form.is_valid():
        correct = {option.pk for option in options if option.is_correct}
        context["state"] = "feedback"
        context["review"] = AnswerReview(
            question=question, options=options, selected=form.selected, typed=form.typed,
            is_correct=grade(question, correct, form.selected, form.typed), number=1,
        )  # fmt: skip
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render_page(request, PAGE, context, status=status)
