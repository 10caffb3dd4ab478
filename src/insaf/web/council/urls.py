from __future__ import annotations

from django.urls import path

from insaf.web.council import views, workspace

app_name = "council"
urlpatterns = [
    path("", views.home, name="home"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals.csv", views.referrals_csv, name="referrals_csv"),
    path("referrals/new/", workspace.referral_new, name="referral_new"),
    path("referrals/<slug:code>/", views.referral_detail, name="referral"),
    path("referrals/<slug:code>/rapporteur/", workspace.referral_rapporteur, name="rapporteur"),
    path("referrals/<slug:code>/documents/<int:pk>.pdf", views.attachment, name="attachment"),
    path("referrals/<slug:code>/impact/new/", workspace.impact_new, name="impact_new"),
    path(
        "referrals/<slug:code>/impact/budget/",
        workspace.impact_budget_new,
        name="impact_budget_new",
    ),
    path("referrals/<slug:code>/impact/jobs/<int:job>/", workspace.impact_job, name="impact_job"),
    path("referrals/<slug:code>/impact/<int:version>/", views.impact_statement, name="impact"),
    path(
        "referrals/<slug:code>/impact/<int:version>/brief-<str:lang>.html",
        views.impact_brief,
        name="impact_brief",
    ),
    path(
        "referrals/<slug:code>/impact/<int:version>/impact.json",
        views.impact_json,
        name="impact_json",
    ),
    path(
        "referrals/<slug:code>/impact/<int:version>/scenario.yaml",
        views.impact_scenario,
        name="impact_scenario",
    ),
    path("referrals/<slug:code>/consultation/", views.consultation, name="consultation"),
    path(
        "referrals/<slug:code>/consultation/open/",
        workspace.consultation_open,
        name="consultation_open",
    ),
    path(
        "referrals/<slug:code>/consultation/close/",
        workspace.consultation_close,
        name="consultation_close",
    ),
    path("referrals/<slug:code>/consultation/comment/", workspace.comment_post, name="comment"),
    path(
        "referrals/<slug:code>/consultation/position/",
        workspace.position_submit,
        name="position",
    ),
    path("referrals/<slug:code>/opinion/", views.opinion, name="opinion"),
    path(
        "referrals/<slug:code>/opinion/v<int:version>/",
        views.opinion,
        name="opinion_version",
    ),
    path("referrals/<slug:code>/opinion/start/", workspace.drafting_start, name="draft_start"),
    path("referrals/<slug:code>/opinion/draft/", workspace.draft, name="draft"),
    path("referrals/<slug:code>/opinion/vote/", workspace.vote, name="vote"),
    path("referrals/<slug:code>/opinion/correct/", workspace.correct, name="correct"),
    path(
        "referrals/<slug:code>/recommendations/<int:number>/",
        views.recommendation,
        name="recommendation",
    ),
    path(
        "referrals/<slug:code>/recommendations/<int:number>/respond/",
        workspace.respond,
        name="respond",
    ),
    path(
        "referrals/<slug:code>/recommendations/<int:number>/commit/",
        workspace.commitment_new,
        name="commitment_new",
    ),
    path("comments/<int:pk>/support/", workspace.comment_support, name="support"),
    path("comments/<int:pk>/report/", workspace.comment_report, name="report"),
    path("comments/<int:pk>/moderate/", workspace.comment_moderate, name="moderate"),
    path("consultations/", views.consultation_list, name="consultations"),
    path("opinions/", views.opinion_list, name="opinions"),
    path("responses/", views.response_list, name="responses"),
    path("responses.csv", views.recommendations_csv, name="responses_csv"),
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments.csv", views.commitments_csv, name="commitments_csv"),
    path("commitments/<int:pk>/", views.commitment, name="commitment"),
    path("commitments/<int:pk>/update/", workspace.commitment_update, name="commitment_update"),
    path("accountability/", views.dashboard, name="dashboard"),
    path("petitions/", views.petition_list, name="petitions"),
    path("petitions/new/", workspace.petition_new, name="petition_new"),
    path("petitions/<int:pk>/", views.petition, name="petition"),
    path("petitions/<int:pk>/sign/", workspace.petition_sign, name="sign"),
    path("workspace/", workspace.member_workspace, name="workspace"),
    path("focal-point/", workspace.focal_workspace, name="focal"),
    path("moderation/", workspace.moderation, name="moderation"),
]
