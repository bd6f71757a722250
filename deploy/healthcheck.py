"""The container's health check: the app answers /healthz and reaches its database.

Asked as the proxy asks (a host name the app accepts, HTTPS said by X-Forwarded-Proto), so the answer is the app's own
and not a redirect or a refused host. A stale scheduled job makes /healthz answer 503 with the database "ok": the
container is still healthy (restarting it would not help); monitoring reads /healthz itself for that.
"""

import json
import os
import sys
import urllib.error
import urllib.request

host = (os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip() or "localhost").lstrip(".")
port = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").rsplit(":", 1)[-1]
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        body = response.read()
except urllib.error.HTTPError as error:
    body = error.read()
except OSError as error:
    sys.exit(f"no answer: {error}")
try:
    database = json.loads(body).get("database")
except ValueError:
    sys.exit("not the app's answer")
sys.exit(0 if database == "ok" else f"database: {database}")
