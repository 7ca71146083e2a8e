"""Flashcards for one lesson and spaced review across all lessons, both scheduled by FSRS.

A card's back is inside a native <details>, so revealing needs no JavaScript; rating is a
POST. With htmx only the card is swapped; without it, POST → redirect → GET.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.learners import current_learner_id, get_or_create_learner
from core.never_cache import never_cache
from courses.models import Lesson, Section
from courses.selectors import lesson_header
from progress import scheduling, selectors, services
from progress.forms import RatingForm
from progress.models import ReviewCard

from ..preview import drafts_visible
from ..rendering import render_page
from ..status import mode_page_context


def _card_context(flashcard, now) -> dict:
    state = flashcard.card.fsrs_state if flashcard and flashcard.card else None
    buttons = []
    if flashcard:
        due_after = scheduling.preview(state, now)
        buttons = [(name, label, scheduling.describe_interval(due_after[name], now))
                   for name, label in scheduling.RATING_LABELS]  # fmt: skip
    return {"flashcard": flashcard, "buttons": buttons}


@never_cache
@require_GET
def flashcards(request: HttpRequest, slug: str) -> HttpResponse:
    """The lesson's key facts and confusions as cards, and the whole deck as a cheat sheet."""
    lesson = lesson_header(slug, drafts=drafts_visible(request))
    return render_page(request, "progress/flashcards.html", _flashcards_context(request, lesson))


def _flashcards_context(request, lesson, form=None) -> dict:
    now = timezone.now()
    deck = selectors.lesson_deck(current_learner_id(request), lesson)
    current = selectors.next_in_deck(deck, now)
    upcoming = min((f.card.due for f in deck if f.card), default=None)
    return {
        **mode_page_context(current_learner_id(request), lesson, "flashcards"),
        **_card_context(current, now),
        "deck": deck,
        "due_count": sum(1 for f in deck if f.is_due(now)),
        "next_due": upcoming,
        "now": now,
        "form": form,
        "rate_url": reverse("learning:rate-flashcard", args=[lesson.slug]),
    }


@require_POST
def rate_flashcard(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = lesson_header(slug, drafts=drafts_visible(request))
    form = RatingForm(request.POST)
    if not form.is_valid():
        context = _flashcards_context(request, lesson, form=form)
        return render_page(request, "progress/flashcards.html", context, status=400)
    section = get_object_or_404(
        Section, lesson=lesson, key=form.cleaned_data["card"], kind__in=selectors.FLASHCARD_KINDS
    )
    learner_id = get_or_create_learner(request).pk
    services.rate_card(learner_id=learner_id, lesson_id=lesson.pk, section_id=section.pk,
                       rating=form.cleaned_data["rating"])  # fmt: skip
    services.record_mode_visit(learner_id=learner_id, lesson_id=lesson.pk, mode="flashcards")
    if request.htmx:
        return render_page(
            request, "progress/flashcards.html", _flashcards_context(request, lesson)
        )
    return HttpResponseRedirect(reverse("learning:flashcards", args=[lesson.slug]), status=303)


@never_cache
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """Due cards and missed questions from every lesson, interleaved."""
    return render_page(request, "progress/review.html", _review_context(request))


def _review_context(request, form=None) -> dict:
    now = timezone.now()
    learner_id = current_learner_id(request)
    due = selectors.due_review(learner_id, now)
    current = due[0] if due else None
    return {
        **_card_context(current, now),
        "due_count": len(due),
        "lessons_due": sorted({f.card.lesson.title for f in due}),
        "next_due": None if due else selectors.next_due_card(learner_id, now),
        "now": now,
        "form": form,
        "rate_url": reverse("learning:rate-review"),
    }


@require_POST
def rate_review(request: HttpRequest) -> HttpResponse:
    form = RatingForm(request.POST)
    card_id = form.cleaned_data.get("card", "") if form.is_valid() else ""
    if not (card_id.isascii() and card_id.isdigit()) or len(card_id) > 18:
        form.is_valid() and form.add_error("card", "Which card?")
        return render_page(
            request, "progress/review.html", _review_context(request, form), status=400
        )
    learner_id = current_learner_id(request)
    card = get_object_or_404(
        ReviewCard, pk=int(card_id), learner_id=learner_id, lesson__status=Lesson.Status.PUBLISHED
    )
    services.rate_card(learner_id=learner_id, lesson_id=card.lesson_id, card_id=card.pk,
                       rating=form.cleaned_data["rating"])  # fmt: skip
    if request.htmx:
        return render_page(request, "progress/review.html", _review_context(request))
    return HttpResponseRedirect(reverse("learning:review"), status=303)
