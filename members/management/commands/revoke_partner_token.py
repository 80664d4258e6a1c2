from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from core.choices import Channel
from members import services
from members.models import PartnerToken


class Command(BaseCommand):
    help = "Revoke a partner API token by name; it stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)

    def handle(self, *args, name, **options):
        token = PartnerToken.objects.filter(name=name).first()
        if token is None:
            raise CommandError(f"--name: no token named {name!r}.")
        services.partner_token_revoke(
            actor=Actor.system(Channel.COMMAND, label="revoke_partner_token"), token=token
        )
        self.stdout.write(f"Revoked {name!r}.")
