from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from projects.api import sync  # noqa: F401  (registers the projects resources on the change feed)
