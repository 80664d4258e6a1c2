"""Screenshots of the main pages for the README, taken in Chromium (Playwright) on the demo data.

    python scripts/screenshots.py [--out docs/screenshots]

Builds a throwaway SQLite database with the reference and demo data (as `make run` loads them),
starts the development server on a free loopback port, signs in as the demo secretariat and
Korea accounts and writes one PNG per page. Pure standard library apart from Playwright; run it
with the virtualenv's Python from the project directory (`make screenshots` does).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
VIEWPORT = {"width": 1200, "height": 760}
# (file, account, path, what to wait for)
SHOTS = [
    ("dashboard.png", "secretariat", "/", "main h1"),
    ("delegation-home.png", "korea", "/", "#to-answer-title"),
    ("calendar.png", "secretariat", "/meetings/calendar/", "main h1"),
    (
        "slot-finder.png",
        "secretariat",
        "/meetings/slots/?source=group&group=1&date_from={today}&date_to={today}&duration_minutes=90",
        "svg.strips",
    ),
    ("delegation-home-ko.png", "korea-ko", "/", "html[lang=ko]"),
]
PASSWORDS = {"secretariat": "forge-secretariat-demo", "korea": "forge-korea-demo"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer within {START_TIMEOUT:.0f} s")


def prepare(env: dict) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "compilemessages", "--ignore=.venv", "--ignore=var")
    manage(env, "load_reference")
    manage(env, "load_demo")
    # A saved group for the slot finder's picture: the members with demo delegates.
    code = (
        "from core.actors import Actor;from members import services;from members.models import Member;"
        "services.member_group_create(actor=Actor.system(), name='Demo delegations',"
        "members=Member.objects.filter(iso2__in=['KR','US','JP','EU','AU','DE']))"
    )
    manage(env, "shell", "-c", code)


def shoot(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    today = time.strftime("%Y-%m-%d", time.gmtime())
    with sync_playwright() as playwright:
        chromium = os.environ.get("FORGE_CHROMIUM") or "/usr/bin/chromium"
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, account, path, ready in SHOTS:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            username = account.removesuffix("-ko")
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORDS[username])
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")
            if account.endswith("-ko"):
                page.select_option("#language-choice", "ko")
                page.click("form.language button[type=submit]")
            page.goto(f"{base}{path.format(today=today)}")
            page.locator(ready).first.wait_for()
            if name == "slot-finder.png":  # the picture, not the form above it
                page.evaluate("document.getElementById('picture-title').scrollIntoView()")
            page.screenshot(path=str(out / name))
            print(f"wrote {out / name}")
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    out = (ROOT / parser.parse_args().out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="forge-screens-") as var:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "forge.settings.local",
            "DATABASE_URL": f"sqlite:///{var}/screens.sqlite3",
            "FORGE_VAR_DIR": var,
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "filesystem://",
            "DJANGO_DEBUG": "1",  # the demo accounts exist only under DEBUG
        }
        prepare(env)
        addr = f"127.0.0.1:{free_port()}"
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", addr, "--noreload", "--insecure"], cwd=ROOT, env=env
        )
        try:
            wait_until_up(f"http://{addr}")
            shoot(f"http://{addr}", out)
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    main()
