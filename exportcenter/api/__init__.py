"""The REST API's shared parts: the viewset base, optimistic concurrency and problem-details errors."""
