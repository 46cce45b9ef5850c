# syntax=docker/dockerfile:1
# CityDesk production image: one image for the web server, the Celery worker
# and Celery beat (docker-compose.yml picks the command for each).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=citymgmt.settings.production

# gettext provides msgfmt for `manage.py compilemessages`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime dependencies only ([project].dependencies; not the test/dev extras).
# `pip install .` is not used: the project is not an installable package
# ([tool.setuptools] packages = []).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code stays owned by root (read-only for the app user); only the media
# directory, where the media volume is mounted, is writable.
COPY . .
RUN chmod 0755 docker/entrypoint-web.sh \
    && mkdir -p locale var/media \
    && chown app:app var/media

# Translation catalogs and static files are built into the image. The secret
# key here is a throwaway placeholder that exists only for this RUN line.
RUN DJANGO_SETTINGS_MODULE=citymgmt.settings.production \
    DJANGO_SECRET_KEY=build-only-placeholder-not-used-at-runtime \
    sh -c 'python manage.py compilemessages && python manage.py collectstatic --noinput'

USER app

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn citymgmt.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
