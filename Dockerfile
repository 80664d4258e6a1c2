# Production image: gunicorn serving forge.wsgi, static files collected and served by WhiteNoise.
# The same image runs the web server, the Celery worker and beat (see docker-compose.yml).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# psycopg2 is built from source against libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r /tmp/requirements.txt
# The interface translations, compiled here so the runtime image needs no gettext.
COPY locale /build/locale
RUN for po in /build/locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=forge.settings.production \
    FORGE_VAR_DIR=/app/var \
    FORGE_MEDIA_ROOT=/data/media \
    PORT=8000 \
    WEB_CONCURRENCY=3
# libpq5: the runtime half of psycopg2.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 1000 forge \
    && useradd --system --uid 1000 --gid forge --home-dir /app --shell /usr/sbin/nologin forge
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=forge:forge . /app
COPY --from=build --chown=forge:forge /build/locale /app/locale
# Static files are baked into the image (var/static); uploads live on the /data/media volume.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/var/celery /app/var/mail /data/media \
    && chown -R forge:forge /app/var /data
USER forge
EXPOSE 8000
# The web container's health check (scripts/healthcheck.py) is set in docker-compose.yml, since
# the same image also runs the worker and beat.
# gunicorn takes its worker count from WEB_CONCURRENCY.
CMD ["gunicorn", "forge.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
