"""Calendar feeds: the viewer's secret subscription links and the feeds they serve."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.actors import web_actor
from meetings import ics, permissions, selectors, services
from members.models import Member


@require_http_methods(["GET", "POST"])
def calendar_feeds(request):
    """Show the viewer's secret calendar links (their own, and their delegation's) and renew them."""
    actor = web_actor(request)
    member = Member.objects.filter(pk=actor.member_id).first() if actor.member_id else None
    can_member_feed = member is not None and permissions.can_act_for_member(actor, member.pk)
    if request.method == "POST":
        if request.POST.get("feed") == "member" and can_member_feed:
            services.calendar_feed_issue(actor=actor, member=member)
        else:
            services.calendar_feed_issue(actor=actor, user=request.user)
        messages.success(request, "A new link was made; the previous one no longer works.")
        return redirect("meetings:feeds")
    user_token = selectors.feed_token_for(user=request.user)
    member_token = selectors.feed_token_for(member=member) if can_member_feed else None
    return render(
        request,
        "meetings/feeds.html",
        {
            "user_url": request.build_absolute_uri(reverse("calendar_user", args=[user_token.token]))
            if user_token
            else None,
            "member_url": request.build_absolute_uri(reverse("calendar_member", args=[member_token.token]))
            if member_token
            else None,
            "member": member if can_member_feed else None,
        },
    )


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
