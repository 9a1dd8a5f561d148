from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "homeward.regions"
    label = "regions"
    verbose_name = "Regions (GB/T 2260)"
