from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from core.choices import Channel
from members import services
from members.choices import TokenScope
from members.models import Member


class Command(BaseCommand):
    help = "Issue an API token for a partner system. The token is printed once; only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="A unique name saying who uses the token.")
        parser.add_argument(
            "--member", help="ISO code of the delegation the token acts for (default: forum-wide)."
        )
        parser.add_argument(
            "--user",
            help="Username of the account the token acts as, e.g. a secretariat account for a "
            "secretariat system (default: none; not with --member).",
        )
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--expires-days", type=int, help="Days until the token stops working.")

    def handle(self, *args, name, member, user, scope, expires_days, **options):
        bound = account = None
        if member:
            bound = Member.objects.filter(iso2=member.upper()).first()
            if bound is None:
                raise CommandError(f"--member: no member with ISO code {member!r}.")
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"--user: no account named {user!r}.")
        try:
            token, raw = services.partner_token_create(
                actor=Actor.system(Channel.COMMAND, label="create_partner_token"),
                name=name,
                scope=scope,
                member=bound,
                user=account,
                expires_in_days=expires_days,
            )
        except ValidationError as exc:
            fields = getattr(exc, "message_dict", {"token": exc.messages})
            raise CommandError(
                "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in fields.items())
            ) from exc
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.name!r} ({token.get_scope_display()}) created. Store it now: it is not shown again."
        )
