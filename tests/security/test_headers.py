"""Response headers: a Content-Security-Policy on every page (own host only, no inline script, the one inline
style under the request's nonce), HSTS and secure cookies when served over HTTPS (settings driven by the
environment), and the API schema and docs for signed-in members only, the docs page without inline code."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PASSWORD

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def policy_of(response):
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


def test_pages_carry_a_policy_of_own_assets_and_no_inline_script(world):
    response = world.client(world.alice).get("/partner-orgs/")
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_tenants_colours_are_the_one_inline_style_and_carry_the_requests_nonce(world):
    response = world.client(world.alice).get("/")
    nonces = re.findall(r'<style nonce="([^"]+)">', response.content.decode())
    assert len(nonces) == 1
    assert f"'nonce-{nonces[0]}'" in policy_of(response)["style-src"]
    assert world.client(world.alice).get("/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_the_sign_in_page_and_the_platform_host_carry_the_policy_too(db):
    from django.test import Client

    for client in (Client(HTTP_HOST="acme.localhost"), Client(HTTP_HOST=settings.PRM_PLATFORM_HOST)):
        response = client.get("/accounts/login/")
        assert policy_of(response)["script-src"] == ["'self'"], response.status_code


def test_no_portal_template_holds_an_inline_script_style_attribute_or_event_handler():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        if "email" not in path.parts and not path.name.startswith("_email")
        for match in INLINE_CODE.finditer(path.read_text())
    ]
    assert offenders == []


def test_htmx_is_told_not_to_inject_its_indicator_style(world):
    page = world.client(world.alice).get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_the_schema_and_the_docs_answer_401_to_anonymous_visitors(world, path):
    assert world.client(None).get(path).status_code == 401


def test_the_docs_page_runs_no_inline_script_and_its_init_script_is_a_file(world):
    client = world.client(world.alice)
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert not INLINE_CODE.search(html)
    # the one inline style is the portal's colours under the request's nonce (base.html), none of Swagger UI's
    assert re.findall(r"<style[^>]*>", html) == [f'<style nonce="{page.wsgi_request.csp_nonce}">']
    script_url = re.findall(r'<script src="([^"]+\?[^"]*script=[^"]*)"', html)[-1].replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()


def test_hsts_is_sent_on_https_answers_only_when_configured(world, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = world.client(world.alice)
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")


def test_a_secure_session_cookie_is_set_on_sign_in_when_configured(world, settings):
    from django.test import Client

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client(HTTP_HOST="acme.localhost")
    response = client.post("/accounts/login/", {"login": "alice@acme.test", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True


def _settings_under(env):
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'prm.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    run = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return run.stdout.split()


def test_https_settings_come_from_the_environment():
    assert _settings_under({"PRM_SECURE_COOKIES": "0", "PRM_HSTS_SECONDS": "0"}) == ["False", "False", "0", "False"]
    https = _settings_under({"PRM_SECURE_COOKIES": "1", "PRM_HSTS_SECONDS": "63072000"})
    assert https == ["True", "True", "63072000", "True"]
