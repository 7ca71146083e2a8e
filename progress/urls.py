from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("patterns/<slug:slug>/flashcards/", views.flashcards, name="flashcards"),
    path("patterns/<slug:slug>/flashcards/rate/", views.rate_flashcard, name="rate-flashcard"),
    path("me/", views.dashboard, name="dashboard"),
    path("review/", views.review, name="review"),
    path("review/rate/", views.rate_review, name="rate-review"),
]
