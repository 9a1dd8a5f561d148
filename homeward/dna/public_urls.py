"""Public pages (no login) of the dna app, mounted at /dna/."""

from django.urls import URLPattern, URLResolver

app_name = "dna_public"
urlpatterns: list[URLPattern | URLResolver] = []
