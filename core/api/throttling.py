from rest_framework.throttling import SimpleRateThrottle


class ActorRateThrottle(SimpleRateThrottle):
    """Per token (or per user) rate limit; answers 429 with Retry-After."""

    scope = "actor"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is not None and getattr(token, "pk", None):
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
