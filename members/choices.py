from django.db import models


class MemberKind(models.TextChoices):
    STATE = "state", "State"
    ORGANISATION = "organisation", "Organisation"


class MemberStatus(models.TextChoices):
    MEMBER = "member", "Member"
    PARTICIPANT = "participant", "Participant"
    OBSERVER = "observer", "Observer"
    INVITED = "invited", "Invited"
    SUSPENDED = "suspended", "Suspended"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Capacity(models.TextChoices):
    HEAD = "head", "Head of delegation"
    DELEGATE = "delegate", "Delegate"
    ALTERNATE = "alternate", "Alternate"
    ADVISER = "adviser", "Adviser"
    FOCAL_POINT = "focal_point", "Focal point"


class Role(models.TextChoices):
    """What a signed-in person may do; see members.permissions."""

    SECRETARIAT_ADMIN = "secretariat_admin", "Secretariat admin"
    SECRETARIAT_STAFF = "secretariat_staff", "Secretariat staff"
    DELEGATION = "delegation", "Delegation user"
    OBSERVER = "observer", "Observer (read-only)"


class ChairRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    CO_CHAIR = "co_chair", "Co-chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"


class Forum(models.TextChoices):
    MSP = "MSP", "Minerals Security Partnership"
    FORGE = "FORGE", "FORGE"


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"
    # A ministry's system that exchanges prices: reads products, price observations and
    # reference prices, and records price observations; nothing else of the API.
    PRICES = "prices", "Price data only (read, and record prices)"


# The API areas (`data_area` of a view, core.api.permissions) a limited scope may use.
PRICE_DATA = "prices"
SCOPE_AREAS = {TokenScope.PRICES: frozenset({PRICE_DATA})}
WRITING_SCOPES = {TokenScope.WRITE, TokenScope.PRICES}
