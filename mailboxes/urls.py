"""The mailbox pages (issue 20)."""

from django.urls import path  # noqa: F401

app_name = "mailboxes"

urlpatterns: list = []
