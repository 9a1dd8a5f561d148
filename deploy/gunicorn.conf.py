"""gunicorn settings for a Homeward app server (deploy/systemd/homeward-web.service, deploy/compose.yaml).

Threads share each process's PostgreSQL pool: keep GUNICORN_THREADS <= DATABASE_POOL_MAX.
"""

import multiprocessing
import os

wsgi_app = "homeward.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
# Import the application (numpy, scipy, the engines) once in the master, so a fresh worker's first request does not
# pay for it; database connections are opened lazily, after the fork, so none is shared between workers.
preload_app = True
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request longer than this is cut (the database statement timeout is shorter).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth), staggered so they do not restart together.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this machine talks to gunicorn; it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No query strings in the access log: receipt codes and search terms stay out of the logs.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
