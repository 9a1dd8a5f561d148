"""Browser journeys (issue 13): `make e2e`."""
