from __future__ import annotations

from django.urls import path

from insaf.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor_view, name="second_factor"),
    path("signup/", views.signup_view, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify/<str:uid>/<str:token>/", views.verify_view, name="verify"),
]
