from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "core.sync"
    label = "sync"
    verbose_name = "Sync"
