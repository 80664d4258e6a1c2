from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from core.actors import Actor
from core.choices import Channel


class Command(BaseCommand):
    help = "Load the demo data set (labelled examples) and print the demo logins. Safe to run again."

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.FORGE_ALLOW_DEMO_DATA):
            # Demo accounts have published passwords: never on a real deployment.
            raise CommandError(
                "Demo data is refused when DEBUG is off: it creates accounts with published passwords. "
                "Use the development settings (forge.settings.local)."
            )
        actor = Actor.system(Channel.COMMAND, label="load_demo")
        with transaction.atomic():
            for path in settings.FORGE_DEMO_LOADERS:
                import_string(path)(actor=actor, stdout=self.stdout)
