from django.urls import path

from markets import views

app_name = "markets"

urlpatterns = [
    path("", views.index, name="index"),
    path("concentration/", views.concentration, name="concentration"),
    path("import/", views.observations_import, name="import"),
    path("calculator/", views.calculator, name="calculator"),
    path(
        "products/<slug:slug>/references/new/", views.ReferencePriceCreate.as_view(), name="reference_create"
    ),
    path("products/new/", views.ProductCreate.as_view(), name="product_create"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("products/<slug:slug>/edit/", views.ProductEdit.as_view(), name="product_edit"),
    path("products/<slug:slug>/prices/new/", views.ObservationCreate.as_view(), name="observation_create"),
    path("products/<slug:slug>/follow/", views.Follow.as_view(), name="follow"),
    path("products/<slug:slug>/unfollow/", views.unfollow, name="unfollow"),
    path("prices/<int:pk>/edit/", views.ObservationEdit.as_view(), name="observation_edit"),
    path("prices/<int:pk>/delete/", views.observation_delete, name="observation_delete"),
]
