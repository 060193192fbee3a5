#!/usr/bin/env bash
# The production recipe, run from the shipped files (config/deploy/), on
# loopback: a runtime-only install, production settings on PostgreSQL and
# Redis, gunicorn (config/deploy/gunicorn.conf.py), two Celery workers with
# names of their own and one beat (config/deploy/Procfile, run by honcho),
# nginx from Debian's packages in front (config/deploy/nginx/scaffold.conf)
# with a self-signed certificate, and a real SMTP server. Then, through the
# proxy over TLS: /health/, signing in, a page, the API, and a password
# reset that a worker sends to the SMTP server.
#
# Usage: .ci/smoke.sh [path to a runtime-only venv]   (default: one made here)
set -euo pipefail
cd "$(dirname "$0")/.."

T=$(mktemp -d)
chmod 755 "$T"
PIDS=()
# Each background process leads a process group of its own (setsid): it
# gets TERM and up to 20 s to stop its children (a worker finishes its
# email), then the whole group gets KILL.
stop_group() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  [ -f "$T/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do stop_group "$pid"; done
  if [ $status -ne 0 ]; then
    echo "--- processes (honcho) ---"; tail -n 60 "$T/procs.log" 2>/dev/null || true
    echo "--- nginx errors ---"; tail -n 20 "$T/nginx-error.log" 2>/dev/null || true
    echo "--- SMTP server ---"; tail -n 20 "$T/smtp.log" 2>/dev/null || true
  fi
  rm -rf "$T"
  exit $status
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for <seconds> <what> <command…>
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "Smoke test: gave up waiting for $what" >&2
  return 1
}

VENV=${1:-}
if [ -z "$VENV" ]; then
  VENV="$T/venv"
  make install-prod VENV="$VENV"
fi
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Installed, not started: the smoke test runs its own.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WEB_PORT=$(free_port); TLS_PORT=$(free_port); HTTP_PORT=$(free_port); SMTP_PORT=$(free_port)
SITE="https://localhost:$TLS_PORT"
DB=scaffold_smoke
PGOPTIONS='--client-min-messages=warning' psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

# The environment of config/deploy/scaffold.env.example, pointed at loopback.
export SCAFFOLD_ENV=production
SECRET_KEY="smoke-$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SECRET_KEY
export ALLOWED_HOSTS=localhost SITE_URL="$SITE"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL=redis://127.0.0.1:6379/5
export TRUST_X_FORWARDED_PROTO=true
export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT EMAIL_USE_TLS=false
export DEFAULT_FROM_EMAIL="Scaffold <scaffold@localhost>"
export STATE_DIRECTORY="$T/state"
export GUNICORN_BIND="127.0.0.1:$WEB_PORT" GUNICORN_WORKERS=2
export METRICS_TOKEN="smoke-metrics-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PATH="$VENV/bin:$PATH"
redis-cli -n 5 FLUSHDB >/dev/null 2>&1 || python -c 'import redis; redis.Redis.from_url("redis://127.0.0.1:6379/5").flushdb()'

echo "== migrate, collectstatic, check --deploy, one HR account"
python manage.py migrate --noinput -v0
python manage.py collectstatic --noinput -v0
python manage.py check --deploy --fail-level WARNING
python manage.py shell -c '
from mentorship.people.models import Person
Person.objects.create_user("smoke@example.com", "smoke test passphrase 2026", full_name="Smoke Tester", is_hr=True)'

echo "== a real SMTP server on 127.0.0.1:$SMTP_PORT"
setsid .venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Debugging > "$T/smtp.log" 2>&1 &
PIDS+=($!)

echo "== web, two workers and beat from config/deploy/Procfile"
setsid .venv/bin/honcho -f config/deploy/Procfile -d . start > "$T/procs.log" 2>&1 &
PIDS+=($!)

echo "== nginx with a self-signed certificate on 127.0.0.1:$TLS_PORT"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
sed -e "s|127.0.0.1:8000|127.0.0.1:$WEB_PORT|" \
    -e "s|^    listen 80;|    listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|^    listen 443 ssl http2;|    listen 127.0.0.1:$TLS_PORT ssl http2;|" \
    -e "/listen \[::\]/d" \
    -e "s|server_name scaffold.example.com;|server_name localhost;|" \
    -e "s|/etc/ssl/certs/scaffold.pem|$T/cert.pem|" \
    -e "s|/etc/ssl/private/scaffold.key|$T/key.pem|" \
    config/deploy/nginx/scaffold.conf > "$T/site.conf"
{
  [ "$(id -u)" -eq 0 ] && echo "user root;"
  cat <<EOF
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 64; }
http {
  access_log $T/nginx-access.log;
  client_body_temp_path $T/nginx-body;
  proxy_temp_path $T/nginx-proxy;
  fastcgi_temp_path $T/nginx-fastcgi;
  uwsgi_temp_path $T/nginx-uwsgi;
  scgi_temp_path $T/nginx-scgi;
  include $T/site.conf;
}
EOF
} > "$T/nginx.conf"
"$NGINX" -t -q -c "$T/nginx.conf" -p "$T"
"$NGINX" -c "$T/nginx.conf" -p "$T"

CURL=(curl -sS --cacert "$T/cert.pem" --max-time 20)
wait_for 60 "/health/ through nginx" "${CURL[@]}" -f "$SITE/health/"

echo "== /health/ over TLS, and over plain HTTP for a load balancer"
"${CURL[@]}" -f "$SITE/health/" | grep -q '"status": *"ok"'
curl -sS -f --max-time 20 "http://localhost:$HTTP_PORT/health/" | grep -q '"status": *"ok"'

echo "== sign in and open a page"
JAR="$T/cookies"
FORM=$("${CURL[@]}" -c "$JAR" -b "$JAR" "$SITE/account/sign-in/")
TOKEN=$(printf '%s' "$FORM" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n1)
[ -n "$TOKEN" ]
STATUS=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
  -H "Referer: $SITE/account/sign-in/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=smoke@example.com" \
  --data-urlencode "password=smoke test passphrase 2026" "$SITE/account/sign-in/")
[ "$STATUS" = 302 ] || { echo "sign-in answered $STATUS" >&2; exit 1; }
"${CURL[@]}" -f -c "$JAR" -b "$JAR" "$SITE/" | grep -q "Smoke"

echo "== the API: a token, then /api/v1/me/"
API_TOKEN=$("${CURL[@]}" -f -H 'Content-Type: application/json' \
  -d '{"email": "smoke@example.com", "password": "smoke test passphrase 2026"}' \
  "$SITE/api/v1/auth/token/" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
"${CURL[@]}" -f -H "Authorization: Token $API_TOKEN" "$SITE/api/v1/me/" | grep -q "smoke@example.com"

echo "== a password reset: queued by the web, sent by a worker, received by the SMTP server"
FORM=$("${CURL[@]}" -c "$T/anon" -b "$T/anon" "$SITE/account/password-reset/")
TOKEN=$(printf '%s' "$FORM" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n1)
STATUS=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -c "$T/anon" -b "$T/anon" \
  -H "Referer: $SITE/account/password-reset/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "email=smoke@example.com" \
  "$SITE/account/password-reset/")
[ "$STATUS" = 302 ] || { echo "password reset answered $STATUS" >&2; exit 1; }
wait_for 60 "the reset email at the SMTP server" grep -q "Reset your Scaffold password" "$T/smtp.log"

echo "== two workers by their own names, and beat"
celery -A config inspect ping --timeout 10 > "$T/ping.txt" 2>&1 || true
grep -q "worker1@" "$T/ping.txt" && grep -q "worker2@" "$T/ping.txt" \
  || { cat "$T/ping.txt" >&2; exit 1; }
grep -q "beat: Starting" "$T/procs.log"

echo "== /metrics: both gunicorn workers' requests in one answer, and the tasks workers ran"
for _ in $(seq 1 10); do "${CURL[@]}" -f -o /dev/null -H "Authorization: Token $API_TOKEN" "$SITE/api/v1/me/"; done
METRICS=$("${CURL[@]}" -f -H "Authorization: Bearer $METRICS_TOKEN" "$SITE/metrics")
ME=$(printf '%s\n' "$METRICS" | sed -n 's/^scaffold_http_requests_total{method="GET",route="me",status="200"} \([0-9.]*\)$/\1/p')
python3 -c "import sys; sys.exit(0 if float('${ME:-0}') >= 11 else 1)" \
  || { echo "me counted ${ME:-0} times, not 11" >&2; printf '%s\n' "$METRICS" | grep scaffold_http_requests_total >&2; exit 1; }
printf '%s\n' "$METRICS" | grep -Eq '^scaffold_celery_tasks_total\{state="SUCCESS",task="mentorship\.notifications\.tasks\.[a-z_]+"\} [1-9]'
[ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$SITE/metrics")" = 401 ]

echo "== gunicorn's access log names the request nginx forwarded"
grep -Eq '"GET /api/v1/me/ HTTP/1.1" 200 .* id=[0-9a-f]{32}' "$T/procs.log"

echo "Smoke test passed: $SITE through nginx, gunicorn, two workers, beat, SMTP."
