"""Numeric engines: framework-free modules (numpy/scipy), importable and tested without Django."""
