from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "homeward.cases"
    label = "cases"
