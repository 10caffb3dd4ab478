"""Django settings of the INSAF platform, read from the environment (see ``insaf.web.env``).

Safe by default: DEBUG off, a generated secret key kept in the data folder,
secure and HTTP-only cookies, a strict content security policy with no
external source (every script, style and font is served by the platform),
and security headers on every response.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from insaf.web.env import (
    data_dir,
    database_from_url,
    email_backend,
    env_bool,
    env_int,
    env_list,
    env_str,
    page_cache,
    proxy_settings,
    secret_key,
)

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_bool("INSAF_DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("INSAF_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
HTTPS = env_bool("INSAF_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "insaf.web.core",
    "insaf.web.accounts",
    "insaf.web.observatory",
    "insaf.web.council",
    "insaf.web.budget",
    "insaf.web.registry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "insaf.web.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "insaf.web.core.limits.RequestLimitsMiddleware",  # body size, NUL: before CSRF reads a form
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "insaf.web.core.public_cache.PublicCacheMiddleware",  # last: needs user, language, messages
]

ROOT_URLCONF = "insaf.web.urls"
WSGI_APPLICATION = "insaf.web.wsgi.application"
ASGI_APPLICATION = "insaf.web.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            # Cached per language, fixed translations and URLs rendered once (see the module).
            "loaders": [
                (
                    "insaf.web.core.template_loader.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "insaf.web.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", ""), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "insaf",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if (_pages := page_cache(DATA_DIR)) is not None:
    CACHES["pages"] = _pages  # public pages and API answers (insaf.web.core.public_cache)

# Background jobs (insaf.web.core.jobs): django-q2 with its ORM broker, so the queue lives
# in this database and the default set-up needs no other server. One job at a time by
# default; each has a time limit (the worker stops it and the job shows the failure).
JOB_TIME_LIMIT = env_int("INSAF_JOB_TIME_LIMIT", 600)
Q_CLUSTER = {
    "name": "insaf",
    "orm": "default",
    "workers": max(1, env_int("INSAF_JOB_WORKERS", 1)),
    "timeout": JOB_TIME_LIMIT,
    "retry": JOB_TIME_LIMIT + 60,  # longer than any job: a job is handed out again only if lost
    "max_attempts": 2,
    "ack_failures": True,
    "recycle": 50,
    "poll": 1,
    "scheduler": False,
    "catch_up": False,
    "save_limit": 200,
    "label": _("Background jobs"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "observatory:home"
LOGOUT_REDIRECT_URL = "observatory:home"
LOGIN_ATTEMPTS = env_int("INSAF_LOGIN_ATTEMPTS", 5)
LOGIN_WINDOW = env_int("INSAF_LOGIN_WINDOW", 900)
# Which proxy header names the client's address (insaf.web.core.network): none by default.
PROXY_HOPS, CLIENT_IP_HEADER = proxy_settings()
OTP_TOTP_ISSUER = "INSAF"  # the name authenticator applications show beside the code

# Mail: the link that verifies a citizen's address (printed on the console by default).
EMAIL_BACKEND = email_backend()
EMAIL_HOST = env_str("INSAF_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INSAF_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("INSAF_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("INSAF_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_PORT == 587
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("INSAF_EMAIL_FROM", "INSAF <no-reply@localhost>")
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # a verification link's life; the pages say "three days"

# Languages: Arabic first (the platform serves the Arab region), English.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

# Security.
SESSION_COOKIE_SECURE = env_bool("INSAF_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
MAX_REQUEST_BYTES = env_int("INSAF_MAX_REQUEST_MB", 10) * 1024 * 1024  # every body, multipart too
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# The API browser (Swagger UI, served locally) sets inline styles from script.
CONTENT_SECURITY_POLICY_API_DOCS = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000
