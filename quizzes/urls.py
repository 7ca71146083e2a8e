from django.urls import path

from . import mode_views, views

app_name = "quizzes"
urlpatterns = [
    path("patterns/<slug:slug>/test/", views.start, name="start"),
    path("tests/<int:attempt_id>/", views.attempt, name="attempt"),
    path("tests/<int:attempt_id>/answer/", views.answer, name="answer"),
    path("tests/<int:attempt_id>/questions/<int:number>/", views.feedback, name="feedback"),
    path("tests/<int:attempt_id>/result/", views.result, name="result"),
    path("tests/<int:attempt_id>/abandon/", views.abandon, name="abandon"),
    path("patterns/<slug:slug>/practice/", mode_views.practice_mode, name="practice"),
    path("patterns/<slug:slug>/challenge/", mode_views.challenge_mode, name="challenge"),
]
