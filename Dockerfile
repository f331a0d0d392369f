# The application image: gunicorn serving ihl.wsgi, static files collected, as a non-root
# user, with the runtime dependencies only (requirements.lock: no test tools, no embedded
# PostgreSQL, so DATABASE_URL must be set). docs/operations.md, "Deployment".
#
#   docker build -t ihl .
#   docker run --env-file prod.env -p 8000:8000 ihl
#   docker run --env-file prod.env ihl python manage.py migrate --no-input   (each release)
#   docker run --env-file prod.env -v jobs:/data/jobs ihl python manage.py db_worker   (the worker)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUNICORN_BIND=0.0.0.0:8000 \
    DJANGO_MEDIA_ROOT=/data/media \
    IHL_JOBS_DIR=/data/jobs

# pg_dump and pg_restore for manage.py backup_db / restore_db (docs/operations.md, "Backups");
# GNU gettext's msgfmt compiles the interface's translations (docs/i18n.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 ihl \
    && useradd --system --uid 10001 --gid ihl --home-dir /app --shell /usr/sbin/nologin ihl

WORKDIR /app
# The lock first: the dependency layer is rebuilt only when the pins change.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY manage.py gunicorn.conf.py pyproject.toml ./
COPY ihl ./ihl
COPY cases ./cases
COPY audit ./audit
COPY jobs ./jobs
COPY staff ./staff
COPY templates ./templates
COPY static ./static
COPY locale ./locale

# Static files into var/static (WhiteNoise serves them, with hashed names), and the
# translations compiled. The settings refuse to load without a secret key; this throwaway
# one exists only in this step.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-used-at-run-time \
    python manage.py collectstatic --no-input -v0 \
    && DJANGO_SECRET_KEY=collectstatic-only-not-used-at-run-time \
    python manage.py compilemessages -v0 \
    && mkdir -p /data/media /data/jobs && chown ihl:ihl /data/media /data/jobs

USER ihl
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "ihl.wsgi"]
