from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("new/", views.MeetingCreate.as_view(), name="create"),
    path("slots/", views.slot_finder, name="slots"),
    path("feeds/", views.calendar_feeds, name="feeds"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.MeetingEdit.as_view(), name="edit"),
    path("<int:pk>/status/", views.meeting_status, name="status"),
    path("<int:pk>/invite/", views.MeetingInvite.as_view(), name="invite"),
    path("<int:pk>/rsvp/", views.rsvp_grid, name="rsvp_grid"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants.pdf", views.participants_pdf, name="participants_pdf"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/agenda/new/", views.AgendaItemCreate.as_view(), name="agenda_item_create"),
    path("<int:pk>/documents/new/", views.DocumentCreate.as_view(), name="document_create"),
    path("<int:pk>/outcomes/new/", views.OutcomeCreate.as_view(), name="outcome_create"),
    path("<int:pk>/actions/new/", views.ActionItemCreate.as_view(), name="action_item_create"),
    path("agenda/<int:pk>/edit/", views.AgendaItemEdit.as_view(), name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("agenda/<int:pk>/move/", views.agenda_move, name="agenda_move"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document"),
    path("documents/<int:pk>/versions/", views.document_version_create, name="document_version_create"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("outcomes/<int:pk>/edit/", views.OutcomeEdit.as_view(), name="outcome_edit"),
    path("actions/<int:pk>/edit/", views.ActionItemEdit.as_view(), name="action_item_edit"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/credentials/", views.invitation_credentials, name="invitation_credentials"),
    path("invitations/<int:pk>/register/", views.registration_create, name="registration_create"),
    path(
        "registrations/<int:pk>/substitute/",
        views.RegistrationSubstitute.as_view(),
        name="registration_substitute",
    ),
    path("registrations/<int:pk>/withdraw/", views.registration_withdraw, name="registration_withdraw"),
]
