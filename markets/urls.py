from django.urls import path

from markets import views

app_name = "markets"

urlpatterns = [
    path("", views.index, name="index"),
    path("concentration/", views.concentration, name="concentration"),
    path("import/", views.observations_import, name="import"),
    path("calculator/", views.calculator, name="calculator"),
    path("products/<slug:slug>/references/new/", views.reference_create, name="reference_create"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("products/<slug:slug>/edit/", views.product_edit, name="product_edit"),
    path("products/<slug:slug>/prices/new/", views.observation_create, name="observation_create"),
    path("products/<slug:slug>/follow/", views.follow, name="follow"),
    path("products/<slug:slug>/unfollow/", views.unfollow, name="unfollow"),
    path("prices/<int:pk>/edit/", views.observation_edit, name="observation_edit"),
    path("prices/<int:pk>/delete/", views.observation_delete, name="observation_delete"),
]
