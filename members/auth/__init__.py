"""Sign-in: django-allauth (password, TOTP, recovery codes, WebAuthn, OpenID Connect SSO),
django-axes (lockout of password guessing) and the app's own rules on top: which roles must
use multi-factor authentication, how long a session lives, how identity-provider claims map to
a member and a role."""
