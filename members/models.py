import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.models import TrackedModel
from members.choices import Capacity, ChairRole, Forum, MemberKind, MemberStatus, Role, TokenScope

iso2_validator = RegexValidator(
    r"^[A-Z]{2}\Z", "Give a two-letter ISO 3166-1 code in capitals (EU for the European Commission)."
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("“%(value)s” is not an IANA time zone (for example Asia/Seoul).") % {"value": value}
        )


class Member(TrackedModel):
    """A state or organisation in the forum: the unit that is invited, chairs and joins projects."""

    iso2 = models.CharField("ISO code", max_length=2, unique=True, validators=[iso2_validator])
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=MemberKind.choices, default=MemberKind.STATE)
    status = models.CharField(max_length=20, choices=MemberStatus.choices, default=MemberStatus.PARTICIPANT)
    status_since = models.DateField(null=True, blank=True)
    capital_time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    msp_partner = models.BooleanField("MSP partner", default=False)
    attended_launch = models.BooleanField(
        "attended the 2026 ministerial", default=False, help_text="Attendance, not membership."
    )
    notes = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "kind"], name="member_status_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.iso2])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.capital_time_zone)


class Delegate(TrackedModel):
    """A person in a member's delegation, optionally with a user account."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="delegates")
    full_name = models.CharField(max_length=150)
    title = models.CharField("job title", max_length=200, blank=True)
    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.DELEGATE)
    email = models.EmailField(blank=True)
    phone = models.CharField(
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9 ()./-]{4,40}\Z", "Give a phone number: digits, spaces, + ( ) - . /")
        ],
    )
    active_from = models.DateField(null=True, blank=True)
    active_until = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="delegate"
    )

    class Meta:
        ordering = ["member__name", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="delegate_active_dates_ordered",
                violation_error_message="The end of activity cannot be before its start.",
            )
        ]
        indexes = [models.Index(fields=["member", "capacity"], name="delegate_member_capacity_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.member.iso2})" if self.member_id else self.full_name

    def clean(self) -> None:
        if self.active_from and self.active_until and self.active_until < self.active_from:
            raise ValidationError(
                {"active_until": gettext("The end of activity cannot be before its start.")}
            )

    def is_active_on(self, day) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day <= self.active_until
        )


class MemberGroup(models.Model):
    """A saved list of members (a region, a working group...) to start a slot search from."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(Member, related_name="groups")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in the app and, for a delegation user, the one member they act for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=20, choices=Role.choices)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    # The interface and e-mail language the user chose; empty: the browser's (and English e-mail).
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.DELEGATION) | Q(member__isnull=False),
                name="membership_delegation_has_member",
                violation_error_message="A delegation user must belong to a member.",
            )
        ]

    def __str__(self) -> str:
        suffix = f" of {self.member.iso2}" if self.member_id else ""
        return f"{self.user} ({self.get_role_display()}{suffix})"

    def clean(self) -> None:
        if self.role == Role.DELEGATION and not self.member_id:
            raise ValidationError({"member": gettext("A delegation user must belong to a member.")})


class ChairTerm(TrackedModel):
    """A member's term in a chair role. Chair terms never overlap (service check and, on
    PostgreSQL, an exclusion constraint); an open end means "until further notice"."""

    forum = models.CharField(max_length=10, choices=Forum.choices, default=Forum.FORGE)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="chair_terms")
    role = models.CharField(max_length=20, choices=ChairRole.choices, default=ChairRole.CHAIR)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty for an open-ended term.")
    basis = models.CharField(max_length=500, blank=True, help_text="The decision or source behind the term.")

    class Meta:
        ordering = ["starts_on", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="chair_term_ends_after_start",
                violation_error_message="A term cannot end before it starts.",
            )
        ]
        indexes = [models.Index(fields=["role", "starts_on"], name="chair_term_role_start_idx")]

    def __str__(self) -> str:
        end = self.ends_on.isoformat() if self.ends_on else "open"
        name = self.member.name if self.member_id else "?"
        return f"{name}, {self.get_role_display().lower()} {self.starts_on.isoformat()} to {end}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": gettext("A term cannot end before it starts.")})

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PartnerToken(models.Model):
    """An API bearer token for a partner system. Only a hash of the secret is stored."""

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's visible start, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tokens",
        help_text="Bound to one delegation: sees and writes as that delegation. Empty: forum-wide, public records.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="partner_tokens",
        help_text="Acts as this account (e.g. a secretariat system): its role, never more than the scope.",
    )
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True) | Q(user__isnull=True),
                name="partner_token_member_or_user",
                violation_error_message="A token acts for a member or as a user, not both.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
