from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "homeward.tips"
    label = "tips"
