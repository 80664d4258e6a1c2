"""Developer settings: `make run` and manage.py use these. DEBUG on unless the environment says otherwise."""

from forge.settings.base import *  # noqa: F403
from forge.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The embedded demo lets the secretariat demo account in without a second factor (`make run`
# prints a notice saying so); set FORGE_MFA_REQUIRED=1 to try enrolment. Production forces it.
FORGE_MFA_REQUIRED = env.bool("FORGE_MFA_REQUIRED", default=False)
# Passkeys on http://127.0.0.1 (browsers allow WebAuthn on localhost only with this).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("FORGE_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=True)
