"""Hardening (issue 8, part 3): deployment checks, headers and cookies, a Content Security Policy with no
inline script, lockout after failed sign-ins, password rules, no personal data in URLs, logs or error
pages, and uploads limited in size and type."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from placements.models import Child
from tests.factories import make_child

BASE_DIR = Path(settings.BASE_DIR)


def production_env(**extra) -> dict:
    """The environment of a production server: DEBUG off, a real key, HTTPS settings at their defaults.

    Nothing the test run itself sets is passed on (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for
    Playwright, which a deployment must never have)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTEST_VERSION", "HTTPS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "PLAIN_STATIC_FILES",
                        "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="false", SECRET_KEY="x" * 20 + "-production-like-key-" + "y" * 30, **extra)
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


# --- Deployment settings ----------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_secure_the_cookies_and_sessions():
    code = ("from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k in ["
            "'DEBUG', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY',"
            "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_AGE', 'SESSION_SAVE_EVERY_REQUEST',"
            "'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF']}))")
    result = manage("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    # Signed out after two hours without a request, and when the browser closes.
    assert values["SESSION_COOKIE_AGE"] <= 2 * 60 * 60 and values["SESSION_SAVE_EVERY_REQUEST"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]


def test_the_app_refuses_to_start_in_production_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_session_cookie_is_http_only(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "correct horse battery staple"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- Content Security Policy -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "tracker_dashboard", "login"])
def test_every_page_sends_a_strict_content_security_policy(client, admin_user, name):
    if name != "login":
        client.force_login(admin_user)
    response = client.get(reverse(name))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["img-src"] == "'self' data:"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def template_files():
    return sorted((BASE_DIR / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", template_files(), ids=lambda p: str(p.relative_to(BASE_DIR / "templates")))
def test_no_template_has_inline_script_or_style(template):
    html = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert not re.search(r"<style\b", html), "a <style> element: put it in static/css/"
    assert not re.search(r"\sstyle=", html), "a style attribute: use a class in static/css/"
    assert not re.search(r"\son[a-z]+\s*=", html), "an event handler attribute: use static JavaScript"


def test_base_html_names_the_elements_plotly_looks_for_before_injecting_css():
    """Plotly skips its own <style> when these are on the page; a new plotly.js may change the ids."""
    import plotly

    plotly_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    base = (BASE_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    assert 'var i="plotly.js-style-"+e' in plotly_js and 'n.matches(".no-inline-styles")' in plotly_js
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in base
    maplibre_ids = set(re.findall(r'document\.getElementById\("([0-9a-f]{64})"\)', plotly_js))
    assert maplibre_ids and all(f'id="{found}"' in base for found in maplibre_ids)
    for name in ("plotly.css", "plotly-maplibre.css"):
        assert (BASE_DIR / "static" / "css" / name).stat().st_size > 1000


# --- Lockout after failed sign-ins ----------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_user_name_out_even_with_the_right_one(client, officer, director):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": officer.username, "password": "wrong password"})
        assert response.status_code in (200, 429)
    locked = client.post(reverse("login"), {"username": officer.username, "password": "correct horse battery staple"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in locked" in page and "govuk-heading-l" in page and "30 minutes" in page
    assert "_auth_user_id" not in client.session
    # Someone else signs in as usual.
    other = client.post(reverse("login"), {"username": director.username, "password": "correct horse battery staple"})
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_lockout_ends_after_the_cool_off(client, officer):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong password"})
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=31))
    response = client.post(reverse("login"), {"username": officer.username, "password": "correct horse battery staple"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_right_password_resets_the_count(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong password"})
    assert client.post(reverse("login"), {"username": officer.username,
                                          "password": "correct horse battery staple"}).status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": officer.username, "password": "wrong password"})
    assert client.post(reverse("login"), {"username": officer.username,
                                          "password": "correct horse battery staple"}).status_code == 302


# --- Passwords ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["password1234", "123456789012", "short", "olivia-olivia"])
def test_weak_passwords_are_refused_by_djangos_validators(password):
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError):
        validate_password(password, user=User(username="olivia-olivia"))


def test_a_long_uncommon_password_is_accepted():
    validate_password("correct horse battery staple")


# --- No personal data in URLs, logs or error pages ----------------------------------------------------------


def test_no_url_carries_anything_but_ids():
    from tests.security.world import url_patterns

    for name, route, _pattern in url_patterns():
        for converter, argument in re.findall(r"<(?:(\w+):)?(\w+)>", route):
            assert argument in {"pk", "offer", "token"}, f"{name}: {route} carries {argument}"
            assert converter in {"int", "str"}, route


@pytest.mark.django_db
def test_the_request_log_has_the_path_but_not_the_search(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/children/99999/", {"q": "Searchable Surname"})
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/children/99999/" in logged and "Searchable" not in logged


def crash(request):
    child = Child.objects.get(case_ref="ERR-1")
    raise RuntimeError(f"something went wrong with {child.given_name} {child.family_name}")


urlpatterns = [path("crash/", crash), path("", include("placements_site.urls"))]


@pytest.mark.django_db
@pytest.mark.urls("tests.security.test_hardening")
def test_an_error_page_shows_no_personal_data_and_no_details(client, officer):
    make_child(case_ref="ERR-1", given_name="Private", family_name="Person")
    client.force_login(officer)
    client.raise_request_exception = False
    response = client.get("/crash/", {"q": "Private"})
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Private" not in page and "Person" not in page and "RuntimeError" not in page and "Traceback" not in page


def test_errors_are_not_emailed_with_the_request():
    # Django's mail_admins handler sends the whole request (POST data included) when ADMINS is set.
    assert settings.LOGGING["loggers"]["django"]["handlers"] == ["console"]
    assert not settings.DEBUG


# --- Uploads ----------------------------------------------------------------------------------------------------


def test_upload_limits_fit_the_import_page():
    from placements.import_views import MAX_UPLOAD_BYTES

    assert MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    # Files up to the limit stay in memory (never in a temporary file on disk); forms without files stay small.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= MAX_UPLOAD_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 100


@pytest.mark.django_db
def test_an_upload_over_20_mb_or_not_csv_is_refused_and_kept_nowhere(client, manager):
    from placements.models import ImportUpload

    client.force_login(manager)
    big = SimpleUploadedFile("big.csv", b"URN,NAME\n" + b"x" * (20 * 1024 * 1024), content_type="text/csv")
    response = client.post(reverse("import_upload"), {"kind": "providers", "files": [big]})
    assert response.status_code == 200 and "larger than 20 MB" in response.content.decode()
    other = SimpleUploadedFile("providers.xlsx", b"PK\x03\x04", content_type="application/vnd.ms-excel")
    response = client.post(reverse("import_upload"), {"kind": "providers", "files": [other]})
    assert response.status_code == 200 and "is not a CSV file" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_views_get_no_csrf_exemption_through_settings():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_behind_the_proxy_an_attacker_elsewhere_does_not_lock_the_real_user_out(client, officer, settings):
    """Every request reaches the app from the load balancer (10.0.0.5); the client is the address the balancer
    appended to X-Forwarded-For. Five wrong passwords from 203.0.113.9 lock that address out, not the officer
    signing in from 198.51.100.7, and a forged X-Forwarded-For entry before the balancer's changes nothing."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    attacker = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}  # first entry forged
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong password"}, **attacker)
    assert client.post(reverse("login"), {"username": officer.username, "password": "correct horse battery staple"},
                       **attacker).status_code == 429
    real = client.post(reverse("login"), {"username": officer.username, "password": "correct horse battery staple"},
                       REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert real.status_code == 302


@pytest.mark.django_db
def test_a_forwarded_address_from_outside_the_trusted_proxies_is_ignored(settings):
    from django.test import RequestFactory

    from placements_site.client_address import client_address

    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    factory = RequestFactory()
    assert client_address(factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "192.0.2.1"
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.5"
    settings.BEHIND_PROXY = False
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "10.0.0.5"


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["json", "latex", "tsv", "ods", "yaml", "xls", "html"])
def test_only_the_offered_download_formats_are_served(admin_client, export):
    response = admin_client.get(reverse("child_list") + f"?_export={export}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.django_db
@pytest.mark.parametrize("per_page, shown", [("100000", 500), ("-5", 50), ("lots", 50), ("40", 40)])  # 50 by default
def test_a_page_never_holds_more_than_500_rows(admin_client, per_page, shown):
    from placements.models import Child

    Child.objects.bulk_create([Child(case_ref=f"P{n:04d}", date_of_birth="2012-01-01", sex="M", legal_status="C2")
                               for n in range(520)])
    table = admin_client.get(reverse("child_list") + f"?per_page={per_page}").context["table"]
    assert len(table.page.object_list) == shown


@pytest.mark.django_db
def test_no_page_or_download_a_signed_in_person_sees_is_stored_by_the_browser(admin_client):
    from tests.factories import make_child

    child = make_child()
    for url in (reverse("child_detail", args=[child.pk]), reverse("child_list") + "?_export=csv", reverse("home")):
        response = admin_client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


# --- Request bodies: refused before they are read, files never on disk (issue 14, finding 7) ---------------


def test_a_body_larger_than_the_page_takes_is_refused_before_it_is_read(client, db, manager):
    # The body sent is a few bytes; the declared length is huge. Reading it would fail: a 413 means nothing read it.
    sixty_mb = str(60 * 1024 * 1024)
    response = client.generic("POST", reverse("login"), b"--x--", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=sixty_mb)
    assert response.status_code == 413 and "larger than this page takes" in response.content.decode()
    client.force_login(manager)
    response = client.generic("POST", reverse("import_upload"), b"--x--",
                              content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(22 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 20 MB in all: upload fewer at a time" in response.content.decode()
    # A form elsewhere may not be bigger than a form: 2 MB.
    response = client.generic("POST", reverse("child_create"), b"a=1", content_type="application/x-www-form-urlencoded",
                              CONTENT_LENGTH=str(3 * 1024 * 1024))
    assert response.status_code == 413


def test_uploaded_files_are_held_in_memory_never_in_a_temporary_file(client, manager, monkeypatch):
    import django.core.files.uploadhandler as handlers

    from placements.models import ImportUpload

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(handlers, "TemporaryUploadedFile", no_disk)
    assert settings.FILE_UPLOAD_HANDLERS == ["placements_site.request_size.BoundedMemoryUploadHandler"]
    rows = b"".join(b"SC%06d,Provider %06d,external,residential,yes,,EX1 1AA\n" % (i, i) for i in range(60000))
    body = b"URN,NAME,OWNERSHIP,PROVISION,REGULATED,FRAMEWORK,POSTCODE\n" + rows
    assert len(body) > 2.5 * 1024 * 1024  # above Django's own in-memory threshold
    client.force_login(manager)
    response = client.post(reverse("import_upload"), {"kind": "providers",
                                                      "files": [SimpleUploadedFile("providers.csv", body)]})
    assert response.status_code == 302
    assert bytes(ImportUpload.objects.get().data) == body


def test_files_beyond_the_limit_stop_being_read_and_the_page_says_so(rf, manager):
    from django.core.files.uploadhandler import StopUpload

    from placements_site.request_size import BoundedMemoryUploadHandler, too_large

    request = rf.post(reverse("import_upload"))
    handler = BoundedMemoryUploadHandler(request)
    handler.handle_raw_input(None, request.META, None, b"x")
    chunk = b"x" * (1024 * 1024)
    with pytest.raises(StopUpload) as stopped:
        for start in range(0, 30):
            try:
                handler.new_file("files", f"part{start}.csv", "text/csv", None)
            except Exception:
                pass
            handler.receive_data_chunk(chunk, start)
    assert not stopped.value.connection_reset  # the rest is read and dropped, so the page can answer
    assert too_large(request) and handler.received <= settings.MAX_UPLOAD_BYTES + 2 * 1024 * 1024
