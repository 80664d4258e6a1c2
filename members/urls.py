from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("chair/", views.chair_rotation, name="chair_rotation"),
    path("chair/new/", views.chair_term_create, name="chair_term_create"),
    path("chair/<int:pk>/edit/", views.chair_term_edit, name="chair_term_edit"),
    path("delegates/<int:pk>/edit/", views.delegate_edit, name="delegate_edit"),
    path("<str:iso2>/", views.member_detail, name="detail"),
    path("<str:iso2>/delegates/new/", views.delegate_create, name="delegate_create"),
]
