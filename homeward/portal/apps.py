from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "homeward.portal"
    label = "portal"
