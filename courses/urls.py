from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("patterns/<slug:slug>/", views.lesson, name="lesson"),
]
