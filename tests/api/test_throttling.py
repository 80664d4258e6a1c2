"""Per-token rate limits: 429 with Retry-After, counted per token."""

from django.core.cache import cache

from members.choices import TokenScope
from members.models import PartnerToken


def test_throttling_answers_429_with_retry_after_per_token(korea, api_client_for, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"actor": "3/min"}}
    first, second = api_client_for(TokenScope.READ, korea), api_client_for(TokenScope.READ, korea)
    for pk in PartnerToken.objects.values_list("pk", flat=True):  # ids may repeat across SQLite tests
        cache.delete(f"throttle_actor_token:{pk}")

    statuses = [first.get("/api/v1/members/").status_code for _ in range(4)]
    limited = first.get("/api/v1/members/")
    other = second.get("/api/v1/members/")

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["title"] == "Too many requests"
    assert other.status_code == 200  # another token has its own budget
