from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api.root import ApiIndexView, api_fallback
from core.views import healthz, search
from forge import views

api_v1 = [
    path("", include("members.api.urls")),
    path("", include("meetings.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("decisions.api.urls")),
    path("", include("markets.api.urls")),
    path("", include("core.webhooks.api.urls")),
    path("", include("core.sync.api.urls")),
]
api_v1.insert(0, path("", ApiIndexView.as_view(patterns=list(api_v1)), name="api-index"))

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("search/", search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("members/", include("members.urls")),
    path("meetings/", include("meetings.urls")),
    path("calendar/", include("meetings.calendar_urls")),
    path("projects/", include("projects.urls")),
    path("decisions/", include("decisions.urls")),
    path("markets/", include("markets.urls")),
    path("reminders/", include("core.reminders.urls")),
    path("webhooks/", include("core.webhooks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    re_path(r"^api/(?P<rest>.*)$", api_fallback),  # last: whatever else is under /api/
]

handler404 = "forge.views.not_found"
handler500 = "forge.views.server_error"
admin.site.site_header = "FORGE secretariat administration"
admin.site.site_title = "FORGE admin"
