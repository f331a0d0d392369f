import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
application = get_wsgi_application()

# Production sets DATABASE_URL and this does nothing; without it, the embedded server.
from ihl.embedded_db import start_embedded_database  # noqa: E402

start_embedded_database()
