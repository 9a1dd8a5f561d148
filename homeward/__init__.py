"""Homeward: the information platform behind the Anti-Trafficking Action Plan (2021-2030)."""
