"""Settings for the Placements dashboard, read from the environment.

Every setting that differs between a laptop and production comes from an
environment variable, read through the small helpers below, which fail loudly
on a value they cannot understand (as healthchecks' hc/settings.py does).

- SQLite (``db.sqlite3`` beside manage.py) unless ``DATABASE_URL`` is set.
- ``DEBUG`` is off unless ``DEBUG=true``.
- ``SECRET_KEY`` must be set when ``DEBUG`` is off.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest (8.2 and later) sets PYTEST_VERSION for the whole run.
TESTING = "PYTEST_VERSION" in os.environ

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "csp",
    "axes",
    "auditlog",
    "placements",
    "tracker",
    "panel",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nobody sees anything without logging in (SPEC section 1).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A body larger than the page takes is refused before anything (the CSRF check) reads it.
    "placements_site.request_size.RequestSizeMiddleware",
    # No page of more than 500 rows, whatever ?per_page says.
    "placements_site.page_size.PageSizeCeilingMiddleware",
    # No browser or proxy keeps a page or download a signed-in person saw.
    "placements_site.no_store.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Who made each change (django-auditlog), and who viewed which child or downloaded what (audit).
    "auditlog.middleware.AuditlogMiddleware",
    "audit.middleware.AccessLogMiddleware",
    # Lockout after repeated failed sign-ins; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes refuses a locked-out user before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "placements_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "placements.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "placements_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people saving at once on the embedded database (issue 14): write-ahead logging lets readers go on
    # while one writes, a writing transaction takes the lock when it begins (so two never deadlock half-way
    # and fail with "database is locked"), and a writer waits up to 20 s for another rather than failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The care segments' partial indexes carry extra columns (INCLUDE) for PostgreSQL's index-only reads; SQLite
# builds them without those columns, which changes nothing but speed there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "placements.staticfinders.PlotlyFinder",  # plotly.min.js from the installed wheel
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("PLAIN_STATIC_FILES", DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Serve straight from the app folders while developing and testing (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DJANGO_TABLES2_TEMPLATE = "includes/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "govuk-table"}

# Sessions end when the browser closes and after two hours without a request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: the import page takes CSV files up to 20 MB in all. Files are only ever held in memory (never a
# temporary file on the app server's disk: they are children's data), and a body larger than the page takes
# is refused before it is read (placements_site/request_size.py). A form body that is not a file stays small.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["placements_site.request_size.BoundedMemoryUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 50
FILE_UPLOAD_PERMISSIONS = 0o600

# Behind TLS in production; off for the local http://127.0.0.1:8000 demo.
HTTPS = env_bool("HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Figures the business sets (SPEC section 3): the first values; an administrator changes them in the app
# (Administration, Authority settings: placements.models.AuthoritySettings).
PLACEMENTS = {
    # COST_OVER_THRESHOLD: external weekly cost strictly greater than this is a panel priority.
    "PANEL_COST_THRESHOLD": os.environ.get("PANEL_COST_THRESHOLD", "9000.00"),
    # Rule D: the authority's 0-17 population, for rates per 10,000 children.
    "CHILD_POPULATION": env_int("CHILD_POPULATION", 125_000),
    # How many children one panel meeting considers; the rest are carried to the next (issue 15).
    "PANEL_CAPACITY": env_int("PANEL_CAPACITY", 15),
    # The Placement Panel is chaired alternately by these two (paper 002, paragraph 72).
    "PANEL_CHAIRS": env_list("PANEL_CHAIRS", "Director of Through Care,Head of Quality Assurance and IRO Service"),
}

# Apps that add to `manage.py load_demo` (placements imports none of them by name).
PLACEMENTS_DEMO_MODULES = ["placements.demo_searches", "panel.demo", "tracker.demo"]

# Content Security Policy (django-csp 4: one dict; the old CSP_* settings do nothing). No inline script
# and no inline style anywhere: charts travel as JSON (json_script) and one static charts.js draws them;
# Plotly's own CSS is a static file (static/css/plotly.css, linked with id="plotly.js-style-global"
# class="no-inline-styles"), so Plotly does not inject a <style> element.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Lockout after repeated failed sign-ins (django-axes 8): five wrong passwords for one user name from one
# address lock that user name out from there for 30 minutes. Counted per user name and address together,
# so five mistakes by different people behind one office address do not lock the whole office out; a
# successful sign-in starts the count again. An administrator unlocks someone sooner with
# `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Behind the load balancer the client's address is the last X-Forwarded-For entry the balancer wrote, read
# only from the balancer's own addresses (placements_site/client_address.py).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXIES = [address.strip() for address in os.environ.get("TRUSTED_PROXIES", "").split(",") if address.strip()]
AXES_CLIENT_IP_CALLABLE = "placements_site.client_address.client_address"

# Audit trail (django-auditlog 3): changes are kept in audit.ChangeEntry, which also records the child
# each change is about, so the trail can be searched by case reference. Registration is in audit/apps.py.
AUDITLOG_LOGENTRY_MODEL = "audit.ChangeEntry"
# auditlog's own migrations would still create its (swapped-out, unused) auditlog_logentry table, whose
# foreign key to auth_user then stops `flush` (TRUNCATE) on PostgreSQL. Its only model is swapped for
# ours, so it needs no migrations and no table.
MIGRATION_MODULES = {"auditlog": None}
# Restoring a backup (`manage.py loaddata`) puts back records and their trail; it is not a change by anyone.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# Logs hold no personal data: the request log says the path and status only (never the query string or
# the body), and errors are not e-mailed (Django's mail_admins handler would send the whole request).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING"), "propagate": False},
    },
}
