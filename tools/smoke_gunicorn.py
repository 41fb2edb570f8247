"""Smoke test of a production start: gunicorn with DEBUG=0, a sign-in, a page.

Run by `make test` (`make smoke`). In a temporary directory: migrate a fresh SQLite database,
create a user, collect the static files, start gunicorn with DEBUG=0 on a free loopback port
(behind a pretend proxy: X-Forwarded-Proto https, so secure cookies and the CSRF Referer
check are exercised as in production), sign in through the real login form with its CSRF
token, read the audit page and one hashed static file, stop gunicorn. Every step is bounded
in time; the script exits non-zero with the reason on any failure.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
USERNAME = "smoke"
PASSWORD = secrets.token_urlsafe(16)
STEP_TIMEOUT = 240
SETUP = f"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createsuperuser", interactive=False, username={USERNAME!r}, email="", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(args: list[str], env: dict) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if result.returncode:
        raise SystemExit(f"smoke: `{' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")


class Browser:
    """Just enough of a browser: cookies (secure ones too: the proxy speaks https) and the
    headers a browser sends through an https proxy."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        origin = f"https://{HOST}:{self.port}"
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": f"{origin}/login/",
            "Accept-Language": "vi",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, content.decode("utf-8", "replace")


def wait_until_up(browser: Browser, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("smoke: gunicorn exited before answering")
        try:
            response, _ = browser.request("GET", "/login/")
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"smoke: gunicorn did not answer within {START_TIMEOUT} s")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"smoke: {message}")


def smoke(tmp: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "ctxh.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp / 'smoke.sqlite3'}",
        "CTXH_VAR_DIR": str(tmp),
        "CTXH_STATIC_ROOT": str(tmp / "static"),
        "CTXH_MEDIA_ROOT": str(tmp / "media"),
        "CTXH_TRUSTED_PROXIES": HOST,
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    started = time.monotonic()
    # One process for the three commands (each start of Django costs seconds).
    run(["ctxh", "shell", "-c", SETUP], env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ctxh.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        browser = Browser(port)
        wait_until_up(browser, server)
        response, page = browser.request("GET", "/login/")
        check("csrftoken" in browser.cookies, "no CSRF cookie on the login page")
        action = re.search(r'<form method="post" action="([^"]+)"', page)
        check(action is not None, "the login form has no action")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        check(token is not None, "no CSRF token in the login form")
        response, _ = browser.request(
            "POST",
            action.group(1),
            {"csrfmiddlewaretoken": token.group(1), "username": USERNAME, "password": PASSWORD},
        )
        check(response.status == 302, f"sign-in answered {response.status}, not a redirect")
        check("sessionid" in browser.cookies, "no session after signing in")
        response, page = browser.request("GET", "/audit/")
        check(response.status == 200, f"/audit/ answered {response.status}")
        check("Nhật ký thay đổi" in page, "the audit page is not the audit page")
        check("Strict-Transport-Security" in dict(response.getheaders()), "no HSTS with DEBUG=0")
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', page)
        check(css is not None, "static files are not the hashed, collected ones")
        response, _ = browser.request("GET", css.group(1))
        check(response.status == 200, f"{css.group(1)} answered {response.status}")
    except SystemExit:
        print((tmp / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    print(
        f"smoke: gunicorn DEBUG=0 on {HOST}:{port}: signed in, read /audit/ and a static file "
        f"({time.monotonic() - started:.1f} s)"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ctxh-smoke-") as tmp:
        smoke(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
