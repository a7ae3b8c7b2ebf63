"""Personal API tokens as REST framework authentication: `Authorization: Bearer ec_…`.

A token signs in as its owner, as long as it is neither expired nor revoked and its owner may still hold
tokens (`advisors.access`). A read-only token is refused (403) on any method that writes. Every request
made with a token is audited, once.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from audit.services import Action as AuditAction
from audit.services import record
from exportcenter.clients import client_address

from . import access, tokens
from .models import ApiToken

KEYWORD = b"bearer"


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = _("This token may only read. Create a read-and-write token to make changes.")
    default_code = "read_only_token"


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None  # not ours: the session may sign in
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer ec_…"))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        http_request = request._request
        token = tokens.api_token_for(raw, address=client_address(http_request))
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid, has expired or was revoked."))
        user = token.user
        if not user.is_active or not access.can(user, access.Action.CREATE, ApiToken):
            raise exceptions.AuthenticationFailed(_("The token's owner may no longer use API tokens."))
        writes = request.method not in SAFE_METHODS
        refused = writes and not token.allows_writes
        record(
            AuditAction.TOKEN_USED,
            request=http_request,
            actor=user,
            obj=token,
            method=request.method,
            scope=token.scope,
            **({"refused": "read_only"} if refused else {}),
        )
        if refused:
            raise ReadOnlyToken
        return user, token

    def authenticate_header(self, request):
        # A client that sent a bearer token is told to send a valid one (401). The portal's own pages
        # sign in by session and keep their 403, which needs no WWW-Authenticate challenge.
        header = get_authorization_header(request).split()
        if header and header[0].lower() == KEYWORD:
            return 'Bearer realm="api"'
        return None


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The bearer token in the OpenAPI schema."""

    target_class = "advisors.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        # The prefix is the scheme's name, not a password.
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106
        )
        scheme["description"] = str(
            _(
                "A personal API token (ec_…), created on your profile page by organisation leads and "
                "regional staff. A read-only token answers 403 to any change."
            )
        )
        return scheme
