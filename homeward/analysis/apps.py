from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "homeward.analysis"
    label = "analysis"
