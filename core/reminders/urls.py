from django.urls import path

from core.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/", views.reminder_detail, name="reminder_detail"),
    path("<int:pk>/retry/", views.reminder_retry, name="reminder_retry"),
    path("outbox/", views.mail_list, name="outbox"),
    path("outbox/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("outbox/<int:pk>/resend/", views.mail_resend, name="mail_resend"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("preferences/", views.preferences, name="preferences"),
]
