"""What this app registers with lower apps, which never import it: the reply address for a request's emails
(`reply_addresses`) and the request page's email panel (`panels`)."""

from . import panels, reply_addresses  # noqa: F401
