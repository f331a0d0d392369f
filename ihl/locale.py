"""The language of a request, and the links to the same page in the other languages.

Public pages live under a language prefix (/uk/search/, /fr/search/), English without one
(/search/), so every address published before the interface was translated still works
and still means the English page. The API and the admin have no prefix: they follow the
language cookie and the Accept-Language header. docs/i18n.md explains the choices.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware import locale
from django.urls import get_script_prefix, is_valid_path, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Paths outside the language prefix (ihl/urls.py): partners and staff keep their addresses.
UNPREFIXED_PATHS = ("/admin/", "/api/")


def is_public_page(path: str) -> bool:
    return not path.startswith(UNPREFIXED_PATHS)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, with three changes.

    - The API and the admin answer in the language of the cookie or of Accept-Language
      (Django's would answer every unprefixed address in English).
    - A first visit to an English address (no language cookie yet) from a browser that
      prefers another language of LANGUAGES is redirected to that language's address.
    - A public page remembers its language in the language cookie, so that a reader who
      then follows the switcher's link to English gets English, not a redirect back.
    """

    def process_request(self, request):
        if not is_public_page(request.path_info):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
            return None
        super().process_request(request)
        if (
            request.method in ("GET", "HEAD")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and not translation.get_language_from_path(request.path_info)
        ):
            preferred = translation.get_language_from_request(request)  # Accept-Language
            if preferred != settings.LANGUAGE_CODE:
                return self._redirect_to(request, preferred)
        return None

    def _redirect_to(self, request, language: str):
        urlconf = getattr(request, "urlconf", None)
        with translation.override(language):
            if not is_valid_path(f"/{language}{request.path_info}", urlconf):
                return None  # not a page (a 404): answered in English as asked
        prefix = get_script_prefix()
        url = request.get_full_path().replace(prefix, f"{prefix}{language}/", 1)
        response = HttpResponseRedirect(url)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not is_public_page(request.path_info):
            return response
        language = translation.get_language()
        if not translation.get_language_from_path(request.path_info):
            # The same English address redirects a first visit and serves a later one.
            patch_vary_headers(response, ("Cookie",))
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if response.status_code == 200 and cookie != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def languages(request) -> dict:
    """Template context: the page's address in every language (the switcher, hreflang)."""
    current = translation.get_language()
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code) if is_public_page(request.path_info) else path
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
                "bidi": translation.get_language_info(code)["bidi"],
            }
        )
    return {"language_links": links}
