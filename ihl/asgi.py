import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
application = get_asgi_application()

# Production sets DATABASE_URL and this does nothing; without it, the embedded server.
from ihl.embedded_db import start_embedded_database  # noqa: E402

start_embedded_database()
