"""Makes the request being answered known to `audit.services.record`, for services that record deep below
a view. Placed after the authentication middleware, so the signed-in user is known."""

from .services import _current_request


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
