"""Who may see and change market data, in one place for the web UI, the admin and the API.

Seeing: products, price observations and world production are the forum's shared market
picture: every signed-in user and every token reads them.

Changing: the secretariat (with write rights) keeps products and reference prices. Price
observations are entered by the secretariat, or pushed by partner systems with a write token.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import Forbidden


def can_manage_markets(actor: Actor) -> bool:
    """Create and edit products and reference prices, load production figures."""
    return actor.can_write and actor.is_secretariat


def can_record_prices(actor: Actor) -> bool:
    """Enter, import, correct and remove price observations."""
    return actor.can_write and (actor.is_secretariat or actor.token_id is not None)


def can_follow(actor: Actor) -> bool:
    """Follow a product's alerts: any signed-in person (alerts go to a user account)."""
    return actor.user_id is not None


# The rules as checks: services call them first; an edit page calls the same one before it
# shows a form.


def require_manage(actor: Actor) -> None:
    if not can_manage_markets(actor):
        raise Forbidden(_("Only the secretariat keeps products and reference prices."))


def require_record(actor: Actor) -> None:
    if not can_record_prices(actor):
        raise Forbidden(_("Only the secretariat and partner systems with a write token record prices."))


def require_follow(actor: Actor) -> None:
    if not can_follow(actor):
        raise Forbidden(_("Only people signed in with an account follow products."))
