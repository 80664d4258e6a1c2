from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("profile/", views.ProfileEdit.as_view(), name="profile"),
    path("chair/", views.chair_rotation, name="chair_rotation"),
    path("chair/new/", views.ChairTermCreate.as_view(), name="chair_term_create"),
    path("chair/<int:pk>/edit/", views.ChairTermEdit.as_view(), name="chair_term_edit"),
    path("delegates/<int:pk>/edit/", views.DelegateEdit.as_view(), name="delegate_edit"),
    path("delegates/<int:pk>/delete/", views.delegate_delete, name="delegate_delete"),
    path("<str:iso2>/", views.member_detail, name="detail"),
    path("<str:iso2>/delegates/new/", views.DelegateCreate.as_view(), name="delegate_create"),
]
