from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "homeward.plan"
    label = "plan"
