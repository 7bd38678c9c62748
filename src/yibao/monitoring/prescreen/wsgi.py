"""WSGI entry point for serving the pre-screen: the project's application with the pre-screen's
fast path (fastpath.py), and the bureaus' data loaded before the server forks its workers.

    gunicorn --preload --workers 2 --worker-class gthread --threads 2 \
        yibao.monitoring.prescreen.wsgi:application

With --preload the workers start with the reference data and history in memory (shared
copy-on-write) instead of loading them on their first request. Set YIBAO_PRESCREEN_FAST_PATH=0
to send API-key requests through Django's middleware too.
"""

import logging

from django.conf import settings

from yibao.wsgi import application as django_application

from .fastpath import with_fast_path
from .service import preload

application = with_fast_path(django_application) if settings.YIBAO_PRESCREEN_FAST_PATH else django_application

logging.getLogger(__name__).info("pre-screen preloaded: %s", preload())
