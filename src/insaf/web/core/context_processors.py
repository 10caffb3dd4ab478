"""What every template needs: the language, its direction and the other language's URL."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi

from insaf.web.core.roles import Role, has_role


def platform(request: HttpRequest) -> dict[str, Any]:
    language = get_language() or "ar"
    other = "en" if language.startswith("ar") else "ar"
    user = request.user if hasattr(request, "user") else None
    return {
        "LANG": language,
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "OTHER_LANGUAGE": other,
        "OTHER_LANGUAGE_NAME": "English" if other == "en" else "العربية",
        "OTHER_LANGUAGE_URL": translate_url(request.get_full_path(), other),
        "IS_ANALYST": user is not None and has_role(user, Role.ANALYST, Role.ADMINISTRATOR),
        "IS_STAFF": user is not None
        and has_role(
            user,
            Role.ANALYST,
            Role.COUNCIL_MEMBER,
            Role.FOCAL_POINT,
            Role.REGISTRY_OFFICER,
            Role.CASEWORKER,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
        ),
        "IS_REGISTRY": user is not None
        and has_role(
            user, Role.REGISTRY_OFFICER, Role.CASEWORKER, Role.AUDITOR, Role.ADMINISTRATOR
        ),
    }
