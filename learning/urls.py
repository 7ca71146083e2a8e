from django.urls import path

from .preview import leave_preview
from .views import account, challenge, dashboard, pages, practice, reading, review, studio, test

app_name = "learning"
urlpatterns = [
    path("", pages.catalogue, name="catalogue"),
    path("tracks/<slug:slug>/", pages.track, name="track"),
    path("patterns/<slug:slug>/", pages.lesson, name="lesson"),
    # Reading modes
    path("patterns/<slug:slug>/deep-dive/", reading.deep_dive, name="deep-dive"),
    path("patterns/<slug:slug>/why-it-matters/", reading.why_it_matters, name="why-it-matters"),
    path("patterns/<slug:slug>/visualize/", reading.visualize, name="visualize"),
    path("patterns/<slug:slug>/analogy/", reading.analogy, name="analogy"),
    path("patterns/<slug:slug>/<slug:mode>/done/", reading.mode_done, name="mode-done"),
    # Flashcards and spaced review
    path("patterns/<slug:slug>/flashcards/", review.flashcards, name="flashcards"),
    path("patterns/<slug:slug>/flashcards/rate/", review.rate_flashcard, name="rate-flashcard"),
    path("review/", review.review, name="review"),
    path("review/rate/", review.rate_review, name="rate-review"),
    # Practice, challenge and the test
    path("patterns/<slug:slug>/practice/", practice.practice_mode, name="practice"),
    path("patterns/<slug:slug>/challenge/", challenge.challenge_mode, name="challenge"),
    path("patterns/<slug:slug>/test/", test.start, name="start"),
    path("tests/<int:attempt_id>/", test.attempt, name="attempt"),
    path("tests/<int:attempt_id>/answer/", test.answer, name="answer"),
    path("tests/<int:attempt_id>/questions/<int:number>/", test.feedback, name="feedback"),
    path("tests/<int:attempt_id>/result/", test.result, name="result"),
    path("tests/<int:attempt_id>/abandon/", test.abandon, name="abandon"),
    # The learner's own pages
    path("me/", dashboard.dashboard, name="dashboard"),
    path("accounts/export/", account.export, name="export"),
    # Authoring previews (staff)
    path(
        "studio/questions/<int:question_id>/preview/",
        studio.question_preview,
        name="question-preview",
    ),  # fmt: skip
    path("preview/leave/", leave_preview, name="leave-preview"),
]
