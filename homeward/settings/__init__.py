"""Settings: `base` holds everything; `dev`, `test` and `production` adjust it. Values come from the environment."""
