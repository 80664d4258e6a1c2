from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.actors import web_actor
from core.health import run_checks
from core.search import MAX_TERMS, parse_terms, search_everything


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503
    )


@require_GET
def search(request):
    """The search box's results: what the viewer may see, best match first."""
    actor = web_actor(request)
    query = request.GET.get("q", "").strip()[:200]
    hits = search_everything(actor=actor, query=query)
    context = {"query": query, "hits": hits, "searched": bool(parse_terms(query)), "max_terms": MAX_TERMS}
    return render(request, "core/search.html", context)
