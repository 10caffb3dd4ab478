from __future__ import annotations

from django.urls import path

from insaf.web.budget import views

app_name = "budget"

urlpatterns = [
    path("", views.budget_list, name="list"),
    path("<slug:code>/", views.plan, name="plan"),
    path("<slug:code>/programmes/<slug:programme>/", views.programme, name="programme"),
    path("<slug:code>/execution/", views.execution, name="execution"),
    path("<slug:code>/pefa/", views.pefa, name="pefa"),
    path("<slug:code>/incidence/", views.incidence, name="incidence"),
    path("<slug:code>/gender/", views.gender, name="gender"),
    path("<slug:code>/lines/", views.lines, name="lines"),
    path("<slug:code>/fdp.zip", views.fdp, name="fdp"),
]
