"""The mailboxes API (included by exportcenter.api_urls): mailboxes and the messages taken from them."""

urlpatterns: list = []
