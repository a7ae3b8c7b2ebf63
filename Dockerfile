# Production image of Exportcenter: gunicorn serves the portal, WhiteNoise serves the static files.
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# libmagic: attachments are checked by their content (python-magic), not by their names.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*

# Runtime dependencies only; the test and lint tools are in requirements-dev.lock.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .

# Compile the catalogues with Babel, so the image needs no GNU gettext. pybabel skips a catalogue whose
# header is marked fuzzy and still exits 0, so check that every .mo file was written.
RUN set -eu; \
    for po in locale/*/LC_MESSAGES/django.po; do \
        mo="${po%.po}.mo"; \
        pybabel compile --statistics --domain=django --input-file="$po" --output-file="$mo"; \
        test -s "$mo" || { echo "$po was not compiled (is its header marked fuzzy?)" >&2; exit 1; }; \
    done

# Settings refuse to start without SECRET_KEY when DEBUG is off. These values exist only for this step.
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# The code stays owned by root. Only .run (the embedded filesystem broker, unused with Redis) and the
# attachments (outside the web root; a volume in docker-compose.yml) are writable.
RUN mkdir -p .run /var/lib/exportcenter/attachments && chown app:app .run /var/lib/exportcenter/attachments

USER app

EXPOSE 8000

# Liveness only: /healthz does not touch the database. It needs 127.0.0.1 in ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "exportcenter.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--timeout", "60", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
