"""Content negotiation that knows problem details (REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"]).

Its own module: REST framework imports it while defining its views, before `problems` can be imported.
"""

from rest_framework.negotiation import DefaultContentNegotiation

PROBLEM_JSON = "application/problem+json"


class ContentNegotiation(DefaultContentNegotiation):
    """Accepts `application/problem+json` as JSON, so a client asking only for problem details is served."""

    def get_accept_list(self, request):
        return [
            media_type.replace(PROBLEM_JSON, "application/json")
            for media_type in super().get_accept_list(request)
        ]
