"""Logging filters: no personal data in the logs.

Django's request warnings (`Not Found: /path`, CSRF refusals, suspicious operations) carry the request object in the
record; any handler that serialises it (JSON formatters, the admin e-mail handler) would write out the query string,
the POST body and cookies — names, phone and ID numbers typed into searches and forms. The filter keeps only the
method and path (no query string) and drops the request.
"""

from __future__ import annotations

import logging


class RequestRedactionFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = record.__dict__.pop("request", None)
        if request is not None:
            record.request_method = getattr(request, "method", "")
            record.request_path = getattr(request, "path", "")
        return True
