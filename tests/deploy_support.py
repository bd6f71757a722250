"""The documented nginx site, adapted to run inside a test: same directives, other ports and paths."""

import datetime
import os
import socket
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

BASE_DIR = Path(__file__).resolve().parents[1]
NGINX_SITE = BASE_DIR / "deploy" / "nginx" / "referrals.conf"
HOST = "referrals.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def nginx_config(
    directory: Path, *, http_port: int, https_port: int, app_port: int, static_root: Path
) -> Path:
    """deploy/nginx/referrals.conf with the test's ports, certificate, static files and log, inside a minimal
    nginx.conf like Debian's. Every substitution must find its text: a change to the site that the test would no
    longer exercise fails here rather than silently."""
    cert, key = self_signed_certificate(directory)
    site = NGINX_SITE.read_text()
    substitutions = [
        ("listen [::]:80;\n", ""),
        ("listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/letsencrypt/live/referrals.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/referrals.example.org/privkey.pem", str(key)),
        (
            "return 301 https://referrals.example.org$request_uri;",
            f"return 301 https://{HOST}:{https_port}$request_uri;",
        ),
        ("referrals.example.org", HOST),
        ("alias /opt/referrals/staticfiles/;", f"alias {static_root}/;"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("/var/log/nginx/referrals.access.log", str(directory / "access.log")),
    ]
    for old, new in substitutions:
        assert old in site, f"deploy/nginx/referrals.conf no longer holds {old!r}"
        site = site.replace(old, new)
    (directory / "referrals.conf").write_text(site)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / f"temp-{name}").mkdir(exist_ok=True)
    # As root, nginx's workers would switch to `nobody`, who cannot read the test's private temporary directory.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = directory / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {directory}/temp-client_body;
    proxy_temp_path {directory}/temp-proxy;
    fastcgi_temp_path {directory}/temp-fastcgi;
    uwsgi_temp_path {directory}/temp-uwsgi;
    scgi_temp_path {directory}/temp-scgi;
    include {directory}/referrals.conf;
}}
"""
    )
    return config
