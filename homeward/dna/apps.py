from django.apps import AppConfig


class DnaConfig(AppConfig):
    name = "homeward.dna"
    label = "dna"
