from __future__ import annotations

from django.urls import path

from insaf.web.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("households/<str:code>/", views.household, name="household"),
    path("households/<str:code>/decisions/<int:pk>/", views.determination, name="determination"),
    path("grievances/", views.grievances, name="grievances"),
    path("grievances/new/", views.grievance_new, name="grievance_new"),
    path("grievances/<str:code>/", views.grievance, name="grievance"),
    path("households/<str:code>/referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("reads/", views.reads, name="reads"),
    path("eligibility/", views.check, name="check"),
    path("grievance-statistics/", views.grievance_statistics, name="statistics"),
]
