from django.urls import path

from . import mode_views, views

app_name = "courses"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("tracks/<slug:slug>/", views.track, name="track"),
    path("patterns/<slug:slug>/", views.lesson, name="lesson"),
    path("patterns/<slug:slug>/deep-dive/", mode_views.deep_dive, name="deep-dive"),
    path("patterns/<slug:slug>/why-it-matters/", mode_views.why_it_matters, name="why-it-matters"),
    path("patterns/<slug:slug>/visualize/", mode_views.visualize, name="visualize"),
    path("patterns/<slug:slug>/analogy/", mode_views.analogy, name="analogy"),
    path("patterns/<slug:slug>/<slug:mode>/done/", mode_views.mode_done, name="mode-done"),
]
