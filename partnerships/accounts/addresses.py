"""The address a request came from, the one rule for sign-in throttling (django-axes) and the sign-in record."""

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP address.

    Behind a load balancer REMOTE_ADDR is the balancer's own address, so with TRUSTED_PROXY_COUNT = n the address
    is the one n hops from the right of X-Forwarded-For (each trusted proxy appends the address it saw). Addresses
    further left are written by the client and never trusted. With no proxy configured, REMOTE_ADDR is the client.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
