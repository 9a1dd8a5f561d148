from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "homeward.screening"
    label = "screening"
