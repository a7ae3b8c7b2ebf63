"""Helpers of the request-action API tests."""

from rest_framework.test import APIClient

from referrals.models import AdviceRequest

Status = AdviceRequest.Status


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(request: AdviceRequest, action: str = "") -> str:
    return f"/api/v1/requests/{request.public_id}/" + (f"{action}/" if action else "")


def post(client, request, action, data=None, *, version=None, **extra):
    """POST as JSON; `version` goes into If-Match."""
    if version is not None:
        extra["HTTP_IF_MATCH"] = f'"{version}"'
    return client.post(url(request, action), data or {}, format="json", **extra)


def kinds(client, request) -> list[str]:
    response = client.get(url(request, "timeline"))
    assert response.status_code == 200
    return [event["kind"] for event in response.json()]


def reload(request: AdviceRequest) -> AdviceRequest:
    return AdviceRequest.objects.get(pk=request.pk)
