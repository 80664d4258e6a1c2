from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberKind(models.TextChoices):
    STATE = "state", pgettext_lazy("member kind", "State")
    ORGANISATION = "organisation", _("Organisation")


class MemberStatus(models.TextChoices):
    MEMBER = "member", _("Member")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")
    INVITED = "invited", _("Invited")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Capacity(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    DELEGATE = "delegate", _("Delegate")
    ALTERNATE = "alternate", _("Alternate")
    ADVISER = "adviser", _("Adviser")
    FOCAL_POINT = "focal_point", _("Focal point")


class Role(models.TextChoices):
    """What a signed-in person may do; see members.permissions."""

    SECRETARIAT_ADMIN = "secretariat_admin", _("Secretariat admin")
    SECRETARIAT_STAFF = "secretariat_staff", _("Secretariat staff")
    DELEGATION = "delegation", _("Delegation user")
    OBSERVER = "observer", _("Observer (read-only)")


class ChairRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    CO_CHAIR = "co_chair", _("Co-chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")


class Forum(models.TextChoices):
    MSP = "MSP", _("Minerals Security Partnership")
    FORGE = "FORGE", _("FORGE")


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
    # A ministry's system that exchanges prices: reads products, price observations and
    # reference prices, and records price observations; nothing else of the API.
    PRICES = "prices", _("Price data only (read, and record prices)")


# The API areas (`data_area` of a view, core.api.permissions) a limited scope may use.
PRICE_DATA = "prices"
SCOPE_AREAS = {TokenScope.PRICES: frozenset({PRICE_DATA})}
WRITING_SCOPES = {TokenScope.WRITE, TokenScope.PRICES}
