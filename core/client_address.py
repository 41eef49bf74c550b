"""The address a request came from, the one way every part of the application reads it.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the request
comes from a proxy named in TRUSTED_PROXIES (addresses or networks, e.g. the load balancer's). Then
the header is read from the right, the end our own proxies append to, skipping every address that is
itself a trusted proxy; the first address that is not one is the client. Anything a client wrote to
the left of that is ignored, so no one can pose as another address, and the clients behind a load
balancer are told apart instead of all sharing its address (which would let one person's failed
sign-ins lock everyone out, see accounts.lockout).

Without TRUSTED_PROXIES the header is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks (a single address is a network of one); ImproperlyConfigured if not."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES holds {value!r}, which is not an address or a network such as 10.0.0.0/8"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def _address(text: str) -> Address | None:
    """One hop of X-Forwarded-For or REMOTE_ADDR as an address; a port, brackets or an IPv6 zone are
    dropped; None when it is not an address."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as text (None when the server gave none)."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not _is_trusted(client, networks):
            break
        address = _address(hop)
        if address is None:
            # Not written by a proxy of ours: the last address a trusted proxy vouched for stands.
            break
        client = address
    return str(client)
