"""Middleware of the project."""

from django.utils import translation


class ApiLanguageMiddleware:
    """The REST API speaks the language the client asks for in Accept-Language.

    LocaleMiddleware gives every URL without a language prefix the default language (Swedish), which is
    right for pages (their English twins live under /en/) but not for /api/, which has no prefixed twin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
