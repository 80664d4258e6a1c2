from django.urls import path

from core.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("<int:pk>/disable/", views.subscription_disable, name="subscription_disable"),
    path("<int:pk>/enable/", views.subscription_enable, name="subscription_enable"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
