from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from core.actors import Actor
from core.choices import Channel


class Command(BaseCommand):
    help = "Load the demo data set (labelled examples) and print the demo logins. Safe to run again."

    def handle(self, *args, **options):
        actor = Actor.system(Channel.COMMAND, label="load_demo")
        with transaction.atomic():
            for path in settings.FORGE_DEMO_LOADERS:
                import_string(path)(actor=actor, stdout=self.stdout)
