from core.actors import actor_for_request
from core.choices import Channel


def viewer(request):
    """The signed-in actor, for templates deciding what to offer."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"viewer": None}
    return {"viewer": actor_for_request(request, Channel.WEB)}
