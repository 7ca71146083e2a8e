from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("learning.urls")),
    path("accounts/", include("accounts.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("ping/", views.ping, name="ping"),
    path("admin/", admin.site.urls),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
