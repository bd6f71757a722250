"""Bodies the app never needs are refused before they are read: over MAX_REQUEST_BODY by their Content-Length, or
carrying a file part (no view takes files). Driven through the real WSGI application with a body that counts the
bytes the app reads from it, as a slow or hostile client would send it."""

import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

MB = 1024 * 1024
BOUNDARY = "----boundary7MA4YWxkTrZu0gW"


class CountingBody(io.RawIOBase):
    """A request body made as it is read (200 MB never sit in memory), counting what the server read of it."""

    def __init__(self, head: bytes, filler: int, tail: bytes = b"") -> None:
        self.parts = [(head, len(head)), (None, filler), (tail, len(tail))]
        self.position = 0
        self.length = len(head) + filler + len(tail)

    def readable(self) -> bool:
        return True

    def _bytes(self, start: int, end: int) -> bytes:
        out, offset = [], 0
        for data, size in self.parts:
            lo, hi = max(start, offset), min(end, offset + size)
            if lo < hi:
                out.append(b"x" * (hi - lo) if data is None else data[lo - offset : hi - offset])
            offset += size
        return b"".join(out)

    def read(self, size: int = -1) -> bytes:
        end = self.length if size is None or size < 0 else min(self.length, self.position + size)
        chunk = self._bytes(self.position, end)
        self.position = end
        return chunk

    def readline(self, size: int = -1) -> bytes:
        limit = self.length if size is None or size < 0 else min(self.length, self.position + size)
        chunk = self._bytes(self.position, min(limit, self.position + 64 * 1024))
        line = chunk.split(b"\n", 1)[0] + (b"\n" if b"\n" in chunk else b"")
        self.position += len(line)
        return line


def call(
    body: CountingBody, content_type: str, *, path: str = "/referrals/new/", language: str = "en"
) -> dict:
    """One POST through the whole middleware stack, as gunicorn would hand it over."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT_LANGUAGE": language,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(body.length),
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    # As Django's test client does: the test's database connection is not the server's to close between requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        answer["body"] = b"".join(WSGIHandler()(environ, start_response)).decode()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    answer["read"] = body.position
    return answer


def multipart_with_file(size: int) -> CountingBody:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="contact_name"\r\n\r\n'
        "María López\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="attachment"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return CountingBody(head, size, f"\r\n--{BOUNDARY}--\r\n".encode())


def test_a_body_over_the_limit_is_refused_without_reading_a_byte(settings):
    body = CountingBody(b"contact_name=", 300 * MB)
    answer = call(body, "application/x-www-form-urlencoded")
    assert answer["status"] == 413
    assert answer["read"] == 0
    assert "What you sent was too large" in answer["body"]
    assert "Lo que envió era demasiado grande" in answer["body"]


def test_a_200_mb_file_part_is_refused_at_its_headers(settings):
    # A limit above the file's size, so that only the file part itself can be what is refused.
    settings.MAX_REQUEST_BODY = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 300 * MB
    answer = call(multipart_with_file(200 * MB), f"multipart/form-data; boundary={BOUNDARY}")
    assert answer["status"] == 413
    # Django's parser reads in chunks of 64 KB; what it read is the part's headers and one chunk, not 200 MB.
    assert answer["read"] < 1 * MB, answer["read"]
    assert "This site takes no files" in answer["body"]


def test_a_small_file_part_is_refused_too():
    answer = call(multipart_with_file(10), f"multipart/form-data; boundary={BOUNDARY}")
    assert answer["status"] == 413


def test_the_refusal_is_in_the_readers_language_first_and_both():
    answer = call(CountingBody(b"a=", 2 * MB), "application/x-www-form-urlencoded", language="es")
    assert answer["status"] == 413
    page = answer["body"]
    assert '<html lang="es">' in page
    assert page.index("Lo que envió era demasiado grande") < page.index("What you sent was too large")


def test_the_refusal_is_not_cached():
    answer = call(CountingBody(b"a=", 2 * MB), "application/x-www-form-urlencoded")
    assert "no-store" in answer["headers"]["Cache-Control"]


@pytest.mark.django_db
def test_forms_without_files_under_the_limit_go_through(client):
    # The language switch, posted as a multipart form (as the test client sends forms) and as a plain one.
    response = client.post("/language/", {"language": "es", "next": "/help/"})
    assert response.status_code == 302
    response = client.post(
        "/language/", "language=en&next=/help/", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_an_oversize_body_on_a_signed_out_request_costs_no_database_query():
    # No django_db mark: a query would fail the test. The refusal comes before the session and the CSRF check.
    answer = call(CountingBody(b"a=", 2 * MB), "application/x-www-form-urlencoded", path="/accounts/login/")
    assert answer["status"] == 413
