from __future__ import annotations

from django.urls import path

from insaf.web.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.home, name="home"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/<str:code>/", views.framework, name="framework"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("indicators/<str:code>/data.csv", views.download_csv, name="indicator_csv"),
    path("indicators/<str:code>/data.sdmx.csv", views.download_sdmx, name="indicator_sdmx"),
    path("furthest-behind/", views.furthest_behind, name="behind"),
    path("rights/", views.rights, name="rights"),
    path("rights/<slug:code>/", views.right, name="right"),
    path("search/", views.search, name="search"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/observatory.csv", views.download_csv, name="all_csv"),
    path("downloads/observatory.sdmx.csv", views.download_sdmx, name="all_sdmx"),
    path("manage/", views.manage, name="manage"),
]
