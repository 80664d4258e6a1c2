"""Demo accounts and delegates so a newcomer can sign in and look around.

Everything here is invented and labelled as an example.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from core.actors import Actor
from members import services
from members.choices import Capacity, Role
from members.models import Delegate, Member
from members.permissions import SECRETARIAT_ROLES

DEMO_ACCOUNTS = [
    # username, password, role, member iso2
    ("secretariat", "forge-secretariat-demo", Role.SECRETARIAT_ADMIN, None),
    ("korea", "forge-korea-demo", Role.DELEGATION, "KR"),
]

DEMO_DELEGATES = [
    ("KR", "Kim Min-jun (example)", "Director-General, Ministry of Foreign Affairs", Capacity.HEAD),
    ("KR", "Lee Seo-yeon (example)", "Counsellor for Economic Security", Capacity.FOCAL_POINT),
    ("KR", "Park Ji-ho (example)", "Deputy Director, Critical Minerals", Capacity.DELEGATE),
    ("US", "Jordan Ellis (example)", "Deputy Assistant Secretary", Capacity.HEAD),
    ("US", "Sam Rivera (example)", "Foreign Affairs Officer", Capacity.FOCAL_POINT),
    ("JP", "Sato Haruka (example)", "Director, Mineral Resources Division", Capacity.HEAD),
    ("EU", "Anna Kowalska (example)", "Head of Unit, Raw Materials", Capacity.HEAD),
    ("DE", "Lukas Becker (example)", "Referent, Rohstoffpolitik", Capacity.FOCAL_POINT),
]


def load(*, actor: Actor, stdout) -> None:
    members = {member.iso2: member for member in Member.objects.all()}
    user_model = get_user_model()
    for username, password, role, iso2 in DEMO_ACCOUNTS:
        if not user_model.objects.filter(username=username).exists():
            services.user_create(
                actor=actor, username=username, password=password, role=role, member=members.get(iso2)
            )
        where = f" for {members[iso2].name}" if iso2 else ""
        stdout.write(f"demo login ({Role(role).label}{where}): {username} / {password}")
        if role in SECRETARIAT_ROLES:
            stdout.write(f"  {_second_factor_notice()}")
    for iso2, name, title, capacity in DEMO_DELEGATES:
        if not Delegate.objects.filter(member=members[iso2], full_name=name).exists():
            email = name.split(" (")[0].lower().replace(" ", ".").replace("-", "") + "@example.org"
            services.delegate_create(
                actor=actor, member=members[iso2], full_name=name, title=title, capacity=capacity, email=email
            )


def _second_factor_notice() -> str:
    if settings.FORGE_MFA_REQUIRED:
        return (
            "two-factor authentication: required; at first sign-in this account is asked to set up "
            "an authenticator app (TOTP) and shown its secret and recovery codes."
        )
    return (
        "two-factor authentication: NOT enforced in this embedded demo (FORGE_MFA_REQUIRED is off); "
        "production settings always require secretariat accounts to enrol an authenticator app."
    )
