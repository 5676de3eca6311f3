"""Issue 12, failures 6 and 7: keys, redirects, login throttling, security headers, the API
docs page and the size the web check states."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from regie.accounts.tokens import issue_token
from regie.site.models import FailedLogin
from tests.accounts.factories import client_for
from tests.conftest import ROOT
from tests.site.test_access import region  # noqa: F401 - the fixture
from tests.traffic.factories import SignalFactory

REGIE = str(ROOT / ".venv" / "bin" / "regie") if (ROOT / ".venv" / "bin" / "regie").exists() else "regie"


def _environment(**extra: str) -> dict[str, str]:
    """This environment without Regie's keys, debug and demo switches and pytest's traces."""
    drop = ("REGIE_", "PYTEST", "DJANGO_SETTINGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "DATABASE_URL": "sqlite:///:memory:", **extra}


def _settings(**extra: str) -> dict[str, object]:
    code = (
        "import json; from regie.site import settings as s; "
        "print(json.dumps({n: getattr(s, n) for n in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'CONTENT_SECURITY_POLICY', 'PSEUDONYM_KEY')}))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=_environment(**extra), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_a_missing_key_is_an_error_at_start_that_says_how_to_set_it() -> None:
    done = subprocess.run([REGIE, "ingest", "nergens"], env=_environment(), capture_output=True, text=True)
    assert done.returncode == 2
    assert "REGIE_SECRET_KEY is niet gezet" in done.stderr and "export REGIE_SECRET_KEY=" in done.stderr
    assert "Traceback" not in done.stderr
    keys = {"REGIE_SECRET_KEY": "s" * 40}
    done = subprocess.run([REGIE, "ingest", "nergens"], env=_environment(**keys), capture_output=True, text=True)
    assert done.returncode == 2 and "REGIE_PSEUDONYM_KEY is niet gezet" in done.stderr
    # development (REGIE_DEBUG=1) and the demo fall back to the development keys
    assert _settings(REGIE_DEBUG="1")["PSEUDONYM_KEY"] == "regie-development-pseudonym-key"
    assert _settings(REGIE_DEMO="1")["PSEUDONYM_KEY"] == "regie-development-pseudonym-key"
    # tools that read no data run without keys (CI's makemigrations --check)
    manage = str(ROOT / ".venv" / "bin" / "regie-manage")
    done = subprocess.run(
        [manage, "makemigrations", "--check", "--dry-run"], env=_environment(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_serve_refuses_the_development_keys_unless_debugging_or_the_demo(settings: Any) -> None:
    keys = {"REGIE_SECRET_KEY": "regie-development-key-not-for-production", "REGIE_PSEUDONYM_KEY": "k" * 40}
    done = subprocess.run([REGIE, "serve", "--port", "1"], env=_environment(**keys), capture_output=True, text=True)
    assert done.returncode == 2 and "REGIE_SECRET_KEY: dit is de ontwikkelsleutel" in done.stderr
    from regie.cli.serve import development_keys_in_use

    settings.DEBUG = settings.DEMO = False
    settings.SECRET_KEY, settings.PSEUDONYM_KEY = settings.DEVELOPMENT_SECRET_KEY, "own key"
    assert development_keys_in_use() == ["REGIE_SECRET_KEY"]
    settings.SECRET_KEY = "own secret"
    assert development_keys_in_use() == []
    settings.PSEUDONYM_KEY = settings.DEVELOPMENT_PSEUDONYM_KEY
    assert development_keys_in_use() == ["REGIE_PSEUDONYM_KEY"]
    settings.DEMO = True
    assert development_keys_in_use() == []


def test_security_settings_from_the_environment() -> None:
    keys = {"REGIE_SECRET_KEY": "s" * 40, "REGIE_PSEUDONYM_KEY": "p" * 40}
    plain = _settings(**keys)
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    assert "default-src 'self'" in str(plain["CONTENT_SECURITY_POLICY"])
    secure = _settings(**keys, REGIE_SECURE_COOKIES="1", REGIE_HSTS_SECONDS="31536000", REGIE_CSP="default-src 'none'")
    assert secure["SESSION_COOKIE_SECURE"] is True and secure["CSRF_COOKIE_SECURE"] is True
    assert secure["SECURE_HSTS_SECONDS"] == 31536000 and secure["CONTENT_SECURITY_POLICY"] == "default-src 'none'"


def test_pages_carry_the_content_security_policy(region: None) -> None:  # noqa: F811
    page = client_for("gemeente").get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "onchange=" not in page.content.decode()  # no inline handlers: the policy forbids them


def test_the_signal_form_does_not_redirect_elsewhere(region: None) -> None:  # noqa: F811
    signal = SignalFactory()
    client = client_for("gemeente")
    for target in ("//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(f"/signalen/{signal.pk}/status/", {"status": "open", "note": "", "next": target})
        assert response.status_code == 302 and response["Location"] == "/signalen/", target
    response = client.post(f"/signalen/{signal.pk}/status/", {"status": "open", "next": "/signalen/?status=open"})
    assert response["Location"] == "/signalen/?status=open"


def test_logins_are_paused_after_repeated_failures(region: None) -> None:  # noqa: F811
    client = Client()
    for _ in range(5):
        response = client.post("/inloggen/", {"username": "gemeente", "password": "fout"})
        assert response.status_code == 200 and "klopt niet" in response.content.decode()
    paused = client.post("/inloggen/", {"username": "gemeente", "password": "regie-demo"})
    assert paused.status_code == 429 and "Te veel mislukte pogingen" in paused.content.decode()
    assert "_auth_user_id" not in client.session, "the right password does not get in while paused"
    assert Client().post("/inloggen/", {"username": "raad", "password": "regie-demo"}).status_code == 302
    FailedLogin.objects.update(at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))  # the pause is over
    assert client.post("/inloggen/", {"username": "gemeente", "password": "regie-demo"}).status_code == 302
    assert not FailedLogin.objects.filter(username="gemeente").exists()


def test_the_api_docs_load_a_vendored_script_and_need_a_login(region: None) -> None:  # noqa: F811
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/inloggen/"), url
    page = client_for("aanbieder").get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200 and "/static/vendor/redoc-2.5.2.standalone.js" in html
    assert "cdn." not in html and "googleapis" not in html
    assert client_for("aanbieder").get("/api/v1/schema/").status_code == 200


def test_an_integrating_system_gets_the_schema_with_its_token_any_role(region: None) -> None:  # noqa: F811
    """A system with a token (no browser session) reads the served document and its docs page,
    whatever the role; a wrong token is a 401 problem; without credentials the login page."""
    for name in ("gemeente", "aanbieder", "raad"):
        token, _ = issue_token(get_user_model().objects.get(username=name))
        schema = Client().get("/api/v1/schema/", HTTP_AUTHORIZATION=f"Token {token}")
        assert schema.status_code == 200 and b"/api/v1/ingest/" in schema.content, name
        assert Client().get("/api/v1/docs/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200, name
    wrong = Client().get("/api/v1/schema/", HTTP_AUTHORIZATION="Token fout")
    assert wrong.status_code == 401 and wrong["Content-Type"] == "application/problem+json"
    anonymous = Client().get("/api/v1/schema/?format=json")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/inloggen/?next=/api/v1/schema/")


def test_the_web_check_states_the_size_of_a_large_file(region: None) -> None:  # noqa: F811
    size = 26 * 1024 * 1024
    big = SimpleUploadedFile("groot.xml", b"<a/>" + b" " * (size - 4), content_type="text/xml")
    response = client_for("gemeente").post("/api/v1/check/", {"files": [big]})
    assert response.status_code == 200
    (entry,) = response.json()["files"]
    assert entry["errors"][0]["code"] == "RG01"
    assert entry["errors"][0]["reason"] == f"Het bestand is {size} bytes; de grens is {20 * 1024 * 1024} bytes."


def test_the_static_redoc_file_is_served(region: None) -> None:  # noqa: F811
    response = client_for("gemeente").get("/static/vendor/redoc-2.5.2.standalone.js")
    assert response.status_code == 200
