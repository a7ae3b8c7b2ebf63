"""Rate limits of the API: per token, per signed-in user and per client address.

The counts live in the cache (Redis in production, the process's memory in the embedded setup). The rates
are REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings API_THROTTLE_*). Over a rate, the answer is 429
problem details with `Retry-After` (REST framework sets the header from the throttle's wait).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from exportcenter.clients import client_address


class RateThrottle(SimpleRateThrottle):
    """Reads its rate from the settings when it runs (REST framework reads them once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(RateThrottle):
    """Per personal API token: an integration cannot use up its owner's own allowance alone."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None or getattr(token, "pk", None) is None:
            return None  # signed in by session, or not at all
        return self.cache_format % {"scope": self.scope, "ident": f"{token._meta.label_lower}:{token.pk}"}


class UserRateThrottle(RateThrottle):
    """Per signed-in user, however they signed in (session or any of their tokens)."""

    scope = "user"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AddressRateThrottle(RateThrottle):
    """Per client address (behind TRUSTED_PROXY_COUNT proxies: the address the outermost one saw)."""

    scope = "address"

    def get_cache_key(self, request, view):
        address = client_address(request._request)
        if not address:
            return None
        return self.cache_format % {"scope": self.scope, "ident": address}
