"""Who is asking: the client's address, behind the reverse proxies the deployment declares."""

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT reverse proxies, it is the entry the outermost
    trusted proxy added to X-Forwarded-For; earlier entries are the client's to forge, so they are ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
