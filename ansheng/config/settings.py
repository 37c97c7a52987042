"""Settings for 安生, read from the environment (see `.env.example` and docs/settings.md).

The `ansheng` command sets `ANSHENG_DATA_DIR` (and for the demo `ANSHENG_MODE=demo`) before Django starts.
"""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from ansheng.config.apps import present_apps
from ansheng.config.env import Env, parse_database_url

env = Env()

PACKAGE_DIR = Path(__file__).resolve().parent.parent

MODE = env.choice("ANSHENG_MODE", "production", {"production", "demo", "test"})
DEBUG = env.bool("DEBUG", False)

DATA_DIR = env.path("ANSHENG_DATA_DIR", Path.home() / ".local" / "share" / "ansheng")
ASSETS_DIR = env.path("ANSHENG_ASSETS_DIR", Path.home() / ".cache" / "ansheng" / "assets")
MEDIA_ROOT = str(env.path("ANSHENG_MEDIA_DIR", DATA_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: files go through access-checked views

_secret = env.str("SECRET_KEY")
if not _secret:
    if MODE == "production":
        raise ImproperlyConfigured("SECRET_KEY must be set (a long random string, kept secret)")
    _secret = "insecure-" + secrets.token_urlsafe(32)
elif MODE == "production" and len(_secret) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
SECRET_KEY = _secret

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if MODE != "production" else [])
if MODE == "production" and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": parse_database_url(
        env.str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ansheng.sqlite3'}"), sqlite_default_dir=DATA_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

ANSHENG_APPS = present_apps()

INSTALLED_APPS = [
    *ANSHENG_APPS,
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ansheng.core.middleware.RequestContextMiddleware",
    "ansheng.core.middleware.ErrorPagesMiddleware",
]

ROOT_URLCONF = "ansheng.config.urls"
WSGI_APPLICATION = "ansheng.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ansheng.core.context_processors.platform",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Login throttling: after LOGIN_FAILURE_LIMIT failures for one user name (or from one address) within
# LOGIN_LOCKOUT_MINUTES, further attempts are refused until the window has passed.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env.bool("ANSHENG_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("ANSHENG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("ANSHENG_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [str(PACKAGE_DIR / "locale")]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # legal deadlines are in Beijing time; the database stores UTC
USE_TZ = True
LANGUAGE_COOKIE_NAME = "ansheng_language"

STATIC_URL = "/static/"
STATIC_ROOT = str(DATA_DIR / "static")
STATICFILES_DIRS: list[tuple[str, str]] = [("vendor", str(ASSETS_DIR))] if ASSETS_DIR.is_dir() else []
# Leaflet comes inside the django-leaflet wheel (static files only: the app itself would pull in GeoDjango).
_leaflet = importlib.util.find_spec("leaflet")
if _leaflet is not None and _leaflet.submodule_search_locations:
    STATICFILES_DIRS.append(
        ("leaflet", str(Path(next(iter(_leaflet.submodule_search_locations))) / "static" / "leaflet"))
    )
WHITENOISE_USE_FINDERS = True  # serve straight from the apps and the assets directory; no collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 20 * 1024 * 1024, minimum=1024 * 1024)
UPLOAD_MAX_BYTES = env.int("ANSHENG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "ansheng@localhost")

# SMS is a pluggable transport: a dotted path to a class with `send(phone: str, text: str)` that raises on failure.
SMS_BACKEND = env.str("ANSHENG_SMS_BACKEND")

MQTT_URL = env.str("MQTT_URL", "mqtt://127.0.0.1:1883")
MQTT_TOPIC_PREFIX = env.str("MQTT_TOPIC_PREFIX", "ansheng")

# Background workers (jobs, notifications, and what later apps add) run inside the web process unless this is
# false, as in a production deployment that starts `ansheng worker …` processes of its own.
WORKERS_IN_PROCESS = env.bool("ANSHENG_WORKERS_IN_PROCESS", True)

EXPIRY_WARNING_DAYS = env.int("ANSHENG_EXPIRY_WARNING_DAYS", 90, minimum=1)

# Accidents and plans (docs/accidents-and-indicators.md). [U] An accident without casualties whose direct loss is
# below this many yuan stays out of the statistics; unset: the rules library's default (1 000 000 yuan).
ACCIDENT_STATISTICS_CUTOFF_YUAN = (
    env.int("ANSHENG_ACCIDENT_STATISTICS_CUTOFF_YUAN", 0, minimum=0)
    if env.str("ANSHENG_ACCIDENT_STATISTICS_CUTOFF_YUAN")
    else None
)
# [U] Day counts (30-day re-count window, 60-day investigation) exclude the day of the accident (民法典 第二百零一条);
# true counts it as day 1.
ACCIDENT_COUNT_FIRST_DAY = env.bool("ANSHENG_ACCIDENT_COUNT_FIRST_DAY", False)
# Plan files (YAML) beside the shipped ones: a new five-year plan or another city is a file here.
PLANS_DIR = env.path("ANSHENG_PLANS_DIR", DATA_DIR / "plans")
CITY_CODE = env.str("ANSHENG_CITY_CODE", "511100")

MAP_TILE_URL = env.str("ANSHENG_MAP_TILE_URL")
MAP_TILE_CRS = env.choice("ANSHENG_MAP_TILE_CRS", "gcj02", {"gcj02", "wgs84"})
MAP_TILE_ATTRIBUTION = env.str("ANSHENG_MAP_TILE_ATTRIBUTION")
DASHBOARD_REFRESH_SECONDS = env.int("ANSHENG_DASHBOARD_REFRESH_SECONDS", 30, minimum=5)

NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_PER_PAGE = 50

LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "waitress": {"level": "WARNING"},
    },
}

SILENCED_SYSTEM_CHECKS: list[str] = []
