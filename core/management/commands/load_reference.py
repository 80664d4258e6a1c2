from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from core.actors import Actor
from core.choices import Channel


class Command(BaseCommand):
    help = "Load the FORGE reference data (delegations, chair terms, minerals). Safe to run again."

    def handle(self, *args, **options):
        actor = Actor.system(Channel.COMMAND, label="load_reference")
        with transaction.atomic():
            for path in settings.FORGE_REFERENCE_LOADERS:
                import_string(path)(actor=actor, stdout=self.stdout)
