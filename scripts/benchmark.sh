#!/usr/bin/env bash
# Requests per second of the main pages, as a ratio to /healthz (a bare view: one SELECT 1) and to B2 (a static
# 25-row table in the base template, core/bench.py), served by gunicorn with production settings on this machine.
# Needs wrk (apt-get install wrk). Uses a throwaway SQLite database, and Redis for the cache when REDIS_URL is set.
#   scripts/benchmark.sh            # 10 s per page, 2 workers, 16 connections
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DURATION=${DURATION:-10s}
WORKERS=${WORKERS:-2}
PORT=${PORT:-8077}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"' EXIT

export DEBUG=False DEMO_DATA=True SECRET_KEY="benchmark-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=False MFA_REQUIRED=True \
  FIELD_ENCRYPTION_KEYS="$($PY -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')" \
  FIELD_HASH_KEY="benchmark-hash-key-0123456789abcdef" DATABASE_URL="sqlite:///$work/bench.sqlite3" \
  EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend LOG_LEVEL=ERROR BENCHMARK_VIEWS=True

$PY manage.py migrate -v0
$PY manage.py collectstatic --no-input -v0
$PY manage.py seed_demo --force > /dev/null
# 50 cases with two routed needs each, and a session for the demo coordinator (with an authenticator, as
# production requires).
cookie=$($PY manage.py shell -c "
import uuid
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from directory.models import County, Language, ServiceCategory, User
from referrals import services
from referrals.suggestions import suggestions_for
coordinator = User.objects.get(email='coordinator@demo.example')
TOTP.activate(coordinator, 'JBSWY3DPEHPK3PXP')
durham, es = County.objects.get(name='Durham'), Language.objects.get(code='es')
categories = list(ServiceCategory.objects.filter(code__in=['legal', 'basic-needs']))
for i in range(50):
    case = services.referral_create(user=coordinator, county=durham, language=es, urgency='urgent', categories=categories,
        contact_name=f'Family {i}', contact_phone='+1919555%04d' % i, consent=True, intake_token=uuid.uuid4())
    for need in case.needs.all():
        best = suggestions_for(need)[0]
        services.routing_create(user=coordinator, need=need, service=best.service, by_phone=not best.answers_in_app)
session = SessionStore()
session[SESSION_KEY] = str(coordinator.pk)
session[BACKEND_SESSION_KEY] = 'accounts.backends.AuthenticationBackend'
session[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
session.create()
print(case.reference, session.session_key)
" 2>/dev/null | tail -n 1)
reference=${cookie% *}
session=${cookie#* }
# As the scheduler would: /healthz answers 503 while work waits for a job that has never run.
$PY manage.py run_schedule --once --skip backup > /dev/null

start_server() {  # extra environment for this server, e.g. PUBLIC_PAGE_CACHE=False
  env "$@" .venv/bin/gunicorn config.wsgi --bind 127.0.0.1:$PORT --workers "$WORKERS" --log-level error &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
}

rps() {  # path [cookie]; refuses to time anything but a 200
  local args=()
  [ -n "${2:-}" ] && args=(-H "Cookie: __Host-sessionid=$2")
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "${args[@]}" "http://127.0.0.1:$PORT$1")
  [ "$status" = 200 ] || { echo "$1 answered $status, not 200" >&2; exit 1; }
  wrk -t 2 -c 16 -d "$DURATION" "${args[@]}" "http://127.0.0.1:$PORT$1" | awk '/Requests\/sec/ {print $2}'
}
row() {  # label req/s
  printf '%-40s %10s %8.2f %8.2f\n' "$1" "$2" "$(echo "$2 / $base" | bc -l)" "$(echo "$2 / $b2" | bc -l)"
}

start_server
base=$(rps /healthz)
b2=$(rps /bench/b2/)
printf '%-40s %10s %8s %8s\n' page "req/s" "÷ bare" "÷ B2"
row "/healthz (bare view)" "$base"
row "/bench/b1/ (bare view, all middleware)" "$(rps /bench/b1/)"
row "/bench/b1/ (signed in)" "$(rps /bench/b1/ "$session")"
row "/bench/b2/ (B2: 25-row table, base template)" "$b2"
for path in /help/ /help/durham/ /help/durham/flyer/ /api/hsds/services; do
  row "$path" "$(rps "$path")"
done
for path in / /referrals/ "/referrals/$reference/" /referrals/escalations/ /reports/hub/; do
  row "$path (coordinator)" "$(rps "$path" "$session")"
done

# The public pages drawn on every request, as on the first visit after a directory change.
kill "$server"; wait "$server" 2>/dev/null || true
start_server PUBLIC_PAGE_CACHE=False
b2=$(rps /bench/b2/)
row "/bench/b2/ (B2, second server)" "$b2"
for path in /help/durham/ /help/durham/flyer/; do
  row "$path (not cached)" "$(rps "$path")"
done
