from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ActorRateThrottle(SimpleRateThrottle):
    """Per token (or per user) rate limit; answers 429 with Retry-After."""

    scope = "actor"

    def get_rate(self):
        # DRF binds THROTTLE_RATES when the class is defined; read the setting per request
        # instead, so a changed setting (a test, a reload) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or super().get_rate()

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is not None and getattr(token, "pk", None):
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
