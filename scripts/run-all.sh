#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat in one process group.
# Ctrl-C (or any one of them exiting) stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-citymgmt.settings.local}

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$VENV/bin/celery" -A citymgmt worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
pids+=($!)
"$VENV/bin/celery" -A citymgmt beat --loglevel=INFO \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --pidfile= &
pids+=($!)
"$VENV/bin/python" manage.py runserver "$HOST:$PORT" &
pids+=($!)

cat <<MSG

  CityDesk is starting:
    Portal        http://$HOST:$PORT/
    Squads        http://$HOST:$PORT/squads/
    Admin         http://$HOST:$PORT/admin/
    API docs      http://$HOST:$PORT/api/docs/
    Health        http://$HOST:$PORT/health/
  Demo logins (password citydesk-demo): admin, dispatcher, leader,
    instructor, officer, supervisor
  Press Ctrl-C to stop the web server, the worker and beat.

MSG
# Exit as soon as any of the three stops, taking the others down with it.
wait -n
