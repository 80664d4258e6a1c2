from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.portfolio, name="list"),
    path("export.csv", views.portfolio_csv, name="export"),
    path("coverage/", views.coverage, name="coverage"),
    path("minerals/", views.mineral_list, name="minerals"),
    path("new/", views.ProjectCreate.as_view(), name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.ProjectEdit.as_view(), name="edit"),
    path("<int:pk>/stage/", views.ProjectStage.as_view(), name="stage"),
    path("<int:pk>/participants/new/", views.ParticipantAdd.as_view(), name="participant_add"),
    path("<int:pk>/milestones/new/", views.MilestoneCreate.as_view(), name="milestone_create"),
    path("<int:pk>/commitments/new/", views.CommitmentCreate.as_view(), name="commitment_create"),
    path("<int:pk>/updates/new/", views.UpdateCreate.as_view(), name="update_create"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant_remove"),
    path("milestones/<int:pk>/edit/", views.MilestoneEdit.as_view(), name="milestone_edit"),
    path("milestones/<int:pk>/done/", views.milestone_complete, name="milestone_complete"),
    path("commitments/<int:pk>/edit/", views.CommitmentEdit.as_view(), name="commitment_edit"),
    path("commitments/<int:pk>/advance/", views.commitment_advance, name="commitment_advance"),
]
