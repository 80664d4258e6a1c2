from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.actors import actor_for_request
from core.choices import Channel


class IsActor(BasePermission):
    """Any signed-in user or valid token may read; only actors with write rights may write; a
    token limited to some areas of data uses only the views that declare one of them
    (`data_area` on the view, e.g. price data).

    Which objects they may read or write is decided by the selectors and services.
    """

    message = "This token or account may only read."

    def has_permission(self, request, view) -> bool:
        if not _handles(view, request.method):
            return True  # the view answers 405 (with Allow) to anyone: the path never takes it
        actor = actor_for_request(request, Channel.API)
        if actor is None:
            return False
        if not actor.may_use(getattr(view, "data_area", None)):
            self.message = OUTSIDE_AREA
            return False
        return request.method in SAFE_METHODS or actor.can_write


OUTSIDE_AREA = "This token is limited to other data than this endpoint's."


def _handles(view, method: str) -> bool:
    name = method.lower()
    return name in view.http_method_names and hasattr(view, name)
