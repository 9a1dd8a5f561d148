"""Framework-free reference data: China's administrative divisions with history, centroids, population.

Public entry points: ``homeward.refdata.divisions.load_divisions`` and
``homeward.refdata.geo.haversine_km``.
"""
