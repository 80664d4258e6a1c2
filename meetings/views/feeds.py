"""Calendar feeds: the viewer's secret subscription links and the feeds they serve."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.actors import web_actor
from meetings import ics, permissions, selectors, services
from members.models import Member

# The session key holding a just-made link's secret until the page has shown it once.
SHOW_ONCE = "forge_new_calendar_link"


@require_http_methods(["GET", "POST"])
def calendar_feeds(request):
    """The viewer's secret calendar links (their own, and their delegation's): a new link is
    shown in full once, right after it is made; afterwards only its start."""
    actor = web_actor(request)
    member = Member.objects.filter(pk=actor.member_id).first() if actor.member_id else None
    can_member_feed = member is not None and permissions.can_act_for_member(actor, member.pk)
    if request.method == "POST":
        kind = "member" if request.POST.get("feed") == "member" and can_member_feed else "user"
        owner = {"member": member} if kind == "member" else {"user": request.user}
        feed = services.calendar_feed_issue(actor=actor, **owner)
        request.session[SHOW_ONCE] = {"kind": kind, "secret": feed.secret}
        messages.success(request, _("A new link was made; the previous one no longer works."))
        return redirect("meetings:feeds")
    shown = request.session.pop(SHOW_ONCE, None) or {}
    links = {
        "user": _link(request, "user", selectors.feed_token_for(user=request.user), shown),
        "member": _link(request, "member", selectors.feed_token_for(member=member), shown)
        if can_member_feed
        else None,
    }
    return render(
        request,
        "meetings/feeds.html",
        {
            "user_link": links["user"],
            "member_link": links["member"],
            "member": member if can_member_feed else None,
        },
    )


def _link(request, kind: str, feed, shown: dict) -> dict | None:
    """{"url": the full link right after it was made, else None; "masked": its start only}."""
    if feed is None:
        return None
    pattern = request.build_absolute_uri(reverse(f"calendar_{kind}", args=["SECRET"]))
    secret = shown.get("secret", "") if shown.get("kind") == kind else ""
    fresh = secret[:6] == feed.prefix and bool(secret)
    return {
        "url": pattern.replace("SECRET", secret) if fresh else None,
        "masked": pattern.replace("SECRET", f"{feed.prefix}…"),
        "issued_by": feed.issued_by,
        "created_at": feed.created_at,
    }


def _feed(request, token: str, kind: str):
    feed = selectors.feed_token_get(token)
    if (kind == "user") != bool(feed.user_id):
        raise Http404("No such calendar.")
    actor = permissions.actor_for_feed(feed)
    if actor is None:
        raise Http404("No such calendar.")
    name = f"FORGE meetings ({feed.member.iso2})" if feed.member_id else "FORGE meetings"
    base_url = request.build_absolute_uri("/")
    body = ics.calendar_bytes(
        selectors.feed_meetings(actor=actor),
        name=name,
        base_url=base_url,
        extra=ics.other_events(actor=actor, base_url=base_url),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def user_feed(request, token: str):
    return _feed(request, token, "user")


@require_GET
def member_feed(request, token: str):
    return _feed(request, token, "member")
