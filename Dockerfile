# The web service: Newsroom under gunicorn, static files compressed and hashed for whitenoise.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements/base.lock requirements/base.lock
RUN pip install --require-hashes -r requirements/base.lock

COPY . .
# collectstatic reads the settings, which need a secret; this one exists only in this layer.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --home-dir /app newsroom \
    && install -d -o newsroom /srv/newsroom/media /srv/newsroom/picture-originals
USER newsroom

EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
