from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path

from core.api.root import ApiIndexView, RedocView, SchemaView, SwaggerView, api_fallback
from core.views import healthz, search
from forge import views
from members import views as member_views

# The admin signs in through the same allauth form: same second factor, same lockout.
admin.site.login = secure_admin_login(admin.site.login)

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
    # Sign-in is allauth's (members/auth): password, then the second factor when enrolled.
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("search/", search, name="search"),
    # Django's switcher view, also saving a signed-in user's choice on their profile.
    path("i18n/setlang/", member_views.language_set, name="set_language"),
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
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # The Swagger UI's start-up script is served as a file (no inline script under the CSP).
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    # ReDoc styles itself with injected <style> elements: allowed on this page only.
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"]})(RedocView.as_view(url_name="schema")),
        name="api-redoc",
    ),
    re_path(r"^api/(?P<rest>.*)$", api_fallback),  # last: whatever else is under /api/
]

handler404 = "forge.views.not_found"
handler500 = "forge.views.server_error"
admin.site.site_header = "FORGE secretariat administration"
admin.site.site_title = "FORGE admin"
