"""Settings for the test suite: the same as production in behaviour, faster in hashing."""

from forge.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"actor": "100000/min", "anonymous": "100000/min", "rejected": "100000/min"},
}
# The suite signs in with force_login and the browser login page as it did before MFA; the
# tests of MFA turn this on (production always has it on).
FORGE_MFA_REQUIRED = False
# The demo loaders are exercised by the suite, where DEBUG is off.
FORGE_ALLOW_DEMO_DATA = True
