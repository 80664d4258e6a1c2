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


class RejectedCredentialsThrottle(SimpleRateThrottle):
    """Requests whose credentials were refused (an unknown, revoked or expired token), counted by
    client address. Once the budget is spent, every request from that address answers 429
    until the window passes, whatever token it tries: guessing tokens gets nowhere fast.

    The authentication class calls `check` before looking a token up and `record` when it
    refuses one: DRF runs throttle classes only after authentication and permissions, which
    a refused or anonymous request never gets past. Addresses come from `get_ident`, which
    trusts X-Forwarded-For only as far as REST_FRAMEWORK["NUM_PROXIES"] says."""

    scope = "rejected"
    default_rate = "30/min"

    def __init__(self, request):
        self.request = request
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": f"ip:{self.get_ident(request)}"}

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate

    def _recent(self) -> list[float]:
        now = self.timer()
        return [moment for moment in self.cache.get(self.key, []) if moment > now - self.duration]

    def check(self) -> None:
        from rest_framework.exceptions import Throttled

        recent = self._recent()
        if len(recent) >= self.num_requests:
            raise Throttled(wait=max(1, int(self.duration - (self.timer() - recent[0]))))

    def record(self) -> None:
        recent = self._recent()
        recent.append(self.timer())
        self.cache.set(self.key, recent[-self.num_requests :], self.duration)

    def spend(self) -> None:
        """Count this request and refuse it if the budget is spent."""
        self.check()
        self.record()


class AnonymousRequestThrottle(RejectedCredentialsThrottle):
    """Requests with no credentials at all (no token, no session), by client address."""

    scope = "anonymous"
    default_rate = "60/min"
