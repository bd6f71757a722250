# The app's image: web (Gunicorn), task worker and scheduler all run it (compose.yaml). Non-root, no compilers, no
# development dependencies; the static files are collected at build time.
#
#   docker compose build && docker compose up -d        (see docs/install.md for the secrets to create first)

ARG PYTHON_IMAGE=python:3.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# uv from PyPI at the version the Makefile uses, so the image installs exactly what uv.lock says.
RUN pip install --no-cache-dir uv==0.13.8
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# Dependencies first, in a layer of their own: a code change does not reinstall them.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# Then the project itself, and the static files with their content-hashed names and compressed copies. Production
# settings need keys to load: these are throwaway values for this one command, never kept in the image's environment.
RUN uv sync --frozen --no-dev \
    && DEBUG=False \
    SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789-abcdefghij \
    FIELD_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwta2V5 \
    FIELD_HASH_KEY=collectstatic-only-not-a-real-hash-key-0123 \
    STATIC_ROOT=/app/staticfiles \
    /app/.venv/bin/python manage.py collectstatic --no-input --verbosity 0

FROM ${PYTHON_IMAGE}
# pg_dump for `manage.py backup` (the scheduler runs it), of the PostgreSQL major version compose.yaml runs (15).
# Debian's stable packages get security fixes without version bumps worth pinning.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin app \
    && install -d -o app -g app -m 0755 /srv/static \
    && install -d -o app -g app -m 0700 /var/backups/referrals
# The code belongs to root: the app cannot change itself.
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STATIC_ROOT=/app/staticfiles \
    GUNICORN_BIND=0.0.0.0:8000
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "config.wsgi"]
