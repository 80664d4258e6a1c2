"""Production settings: the base plus HTTPS and hardening. Everything else comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from forge.settings.base import *  # noqa: F403
from forge.settings.base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
# Refused at start-up: the development default, the .env.example text, anything short or
# repetitive (Django's own check would only warn).
_PLACEHOLDER_MARKERS = (
    "change-me",
    "change_me",
    "changeme",
    "insecure",
    "example",
    "placeholder",
    "secret-key",
)
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 10
    or any(marker in SECRET_KEY.lower() for marker in _PLACEHOLDER_MARKERS)
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a placeholder or too weak: set a random value of 50 characters or more, "
        "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )
STORAGES = {
    "default": {
        "BACKEND": env.str("FORGE_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Multi-factor authentication for the secretariat and the admin is not optional here.
FORGE_MFA_REQUIRED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
