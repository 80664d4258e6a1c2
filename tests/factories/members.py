import datetime

import factory
from django.contrib.auth import get_user_model

from members.choices import Capacity, ChairRole, Forum, MemberKind, MemberStatus, Role
from members.models import ChairTerm, Delegate, Member, Membership

__all__ = ["ChairTermFactory", "DelegateFactory", "MemberFactory", "UserFactory", "user_with_role"]

_CODES = [f"{a}{b}" for a in "QWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ["iso2"]

    iso2 = factory.Sequence(lambda n: _CODES[n % len(_CODES)])
    name = factory.LazyAttribute(lambda o: f"Member {o.iso2}")
    kind = MemberKind.STATE
    status = MemberStatus.PARTICIPANT
    capital_time_zone = "Europe/Brussels"


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate

    member = factory.SubFactory(MemberFactory)
    full_name = factory.Sequence(lambda n: f"Delegate {n}")
    capacity = Capacity.DELEGATE
    email = factory.Sequence(lambda n: f"delegate{n}@example.org")


class ChairTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChairTerm

    forum = Forum.FORGE
    member = factory.SubFactory(MemberFactory)
    role = ChairRole.CHAIR
    starts_on = datetime.date(2026, 2, 4)
    ends_on = datetime.date(2026, 6, 30)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, member: Member | None = None, username: str | None = None):
    """A user with a role (password "pw"); a delegation user needs its member."""
    user = UserFactory(
        username=username or f"{role}-{member.iso2 if member else 'x'}",
        is_staff=role in (Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF),
    )
    Membership.objects.update_or_create(user=user, defaults={"role": role, "member": member})
    return user
