"""Gunicorn settings for the app server: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Always behind Caddy or nginx (deploy/Caddyfile, deploy/nginx/referrals.conf). The proxy reads each request whole
(headers and body, with its own timeouts and size limit) before it opens a connection to Gunicorn, and reads each
response whole before trickling it out to a slow client. So a client that sends a byte a second ties up a cheap proxy
connection, never one of the few app threads: two such clients took the app offline when Gunicorn faced them itself.

Every value can be changed with the GUNICORN_* variable named next to it, without editing this file.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Loopback only: nothing but the proxy on this machine can reach the app, so the X-Forwarded-* headers it sets are
# the only ones the app sees (the sign-in limits read the client's address from them). In containers the app listens
# on the compose network instead (compose.yaml sets GUNICORN_BIND=0.0.0.0:8000; only Caddy is on that network).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads in a few processes: a request waiting on the database or on another request's row lock holds a thread,
# not a whole process, and an idle keep-alive connection from the proxy holds neither (gthread parks it). Processes
# still give crash isolation and use the cores. Each thread may hold a database connection (CONN_MAX_AGE): keep
# workers x threads x app servers below PostgreSQL's max_connections (100 by default), with room for the task
# worker, the timers and psql.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", max(2, os.cpu_count() or 1))
threads = _int("GUNICORN_THREADS", 4)

# A worker whose main loop is stuck for 30 s is killed and replaced (with gthread this is the process's heartbeat, not
# the length of one request). On a restart or deploy (SIGTERM, SIGHUP) requests in flight get 30 s to finish.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# The proxy reuses its connections to Gunicorn; on loopback a few seconds of idle keep-alive cost nothing.
keepalive = 5

# Request limits (Gunicorn's defaults, written down): the proxy refuses larger requests first, these are the second
# line. The request line holds the URL: 4094 bytes is far more than any of our pages' query strings.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Each process is replaced after about a thousand requests (the jitter staggers them, so they are not all replaced
# at once): memory a long-lived process accumulates is given back without anyone noticing a restart.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Whose X-Forwarded-Proto Gunicorn believes (for wsgi.url_scheme). Django reads the header itself
# (SECURE_PROXY_SSL_HEADER), so the real defence is the loopback bind above and a proxy that overwrites the header.
# Containers: the compose network's addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log here: the proxy writes one, without query strings and with case references masked (see its
# config); a second copy here would hold the search terms of /help/?q= (a family's town or ZIP code). Errors go to
# stderr, which systemd's journal or `docker compose logs` keep.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
capture_output = True

# The worker heartbeat on tmpfs: on a busy disk, updating a file there can stall a worker until it is killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# No control socket (Gunicorn would create one under $HOME or $XDG_RUNTIME_DIR): systemd and compose send signals,
# and the hardened unit gives the service no writable home.
control_socket_disable = True

proc_name = "referrals"
