from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("new/", views.meeting_create, name="create"),
    path("slots/", views.slot_finder, name="slots"),
    path("feeds/", views.calendar_feeds, name="feeds"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/status/", views.meeting_status, name="status"),
    path("<int:pk>/invite/", views.meeting_invite, name="invite"),
    path("<int:pk>/rsvp/", views.rsvp_grid, name="rsvp_grid"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/agenda/new/", views.agenda_item_create, name="agenda_item_create"),
    path("<int:pk>/documents/new/", views.document_create, name="document_create"),
    path("<int:pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("<int:pk>/actions/new/", views.action_item_create, name="action_item_create"),
    path("agenda/<int:pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("agenda/<int:pk>/move/", views.agenda_move, name="agenda_move"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/versions/", views.document_version_create, name="document_version_create"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("outcomes/<int:pk>/edit/", views.outcome_edit, name="outcome_edit"),
    path("actions/<int:pk>/edit/", views.action_item_edit, name="action_item_edit"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/credentials/", views.invitation_credentials, name="invitation_credentials"),
    path("invitations/<int:pk>/register/", views.registration_create, name="registration_create"),
    path("registrations/<int:pk>/substitute/", views.registration_substitute, name="registration_substitute"),
    path("registrations/<int:pk>/withdraw/", views.registration_withdraw, name="registration_withdraw"),
]
