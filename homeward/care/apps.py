from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "homeward.care"
    label = "care"
