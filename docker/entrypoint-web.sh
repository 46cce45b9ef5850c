#!/bin/sh
# Entry point of the web service: apply database migrations, then run the
# given command (gunicorn by default, see docker-compose.yml and Dockerfile).
# Only the web service migrates; worker and beat wait for it to be healthy.
set -eu

python manage.py migrate --noinput

if [ "$#" -eq 0 ]; then
    set -- sh -c 'exec gunicorn citymgmt.wsgi:application --bind 0.0.0.0:8000 --workers "${GUNICORN_WORKERS:-3}" --access-logfile -'
fi

exec "$@"
