from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "homeward.core"
    label = "core"
    verbose_name = "Homeward core"

    def ready(self) -> None:
        from homeward.core import checks  # noqa: F401  (registers the project's system checks)
