from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"


def _page(view, template: str, title: str, **kwargs):
    return view.as_view(template_name=template, extra_context={"title": title}, **kwargs)


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("delete/", views.delete_account, name="delete"),
    path("password/change/", _page(views.ThrottledPasswordChangeView, "accounts/form.html",
         "Change your password", success_url=reverse_lazy("accounts:password_change_done")),
         name="password_change"),
    path("password/change/done/", _page(auth_views.PasswordChangeDoneView,
         "accounts/message.html", "Password changed"), name="password_change_done"),
    path("password/reset/", _page(views.QueuedPasswordResetView, "accounts/form.html",
         "Reset your password", success_url=reverse_lazy("accounts:password_reset_done")),
         name="password_reset"),
    path("password/reset/sent/", _page(auth_views.PasswordResetDoneView,
         "accounts/message.html", "Check your email"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", _page(auth_views.PasswordResetConfirmView,
         "accounts/form.html", "Choose a new password",
         success_url=reverse_lazy("accounts:password_reset_complete")),
         name="password_reset_confirm"),
    path("password/reset/done/", _page(auth_views.PasswordResetCompleteView,
         "accounts/message.html", "Password reset"), name="password_reset_complete"),
]  # fmt: skip
