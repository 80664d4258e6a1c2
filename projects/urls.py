from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.portfolio, name="list"),
    path("export.csv", views.portfolio_csv, name="export"),
    path("coverage/", views.coverage, name="coverage"),
    path("minerals/", views.mineral_list, name="minerals"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/stage/", views.project_stage, name="stage"),
    path("<int:pk>/participants/new/", views.participant_add, name="participant_add"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("<int:pk>/commitments/new/", views.commitment_create, name="commitment_create"),
    path("<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant_remove"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/done/", views.milestone_complete, name="milestone_complete"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/advance/", views.commitment_advance, name="commitment_advance"),
]
