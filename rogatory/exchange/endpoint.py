"""The endpoint other nodes call (/exchange/v1/…): envelopes, batches, attachment chunks,
evidences, and this node's descriptor. JSON in and out, no session, no CSRF (the envelope
authenticates itself); rate-limited per client address, with a lower limit for junk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rogatory.lib.downloads import attachment

from . import node, seal
from .errors import ExchangeError
from .inbound import (
    Outcome,
    junk,
    part_status,
    receive_batch,
    receive_chunk,
    receive_envelope,
    receive_evidence,
)


def _json(outcome: Outcome) -> JsonResponse:
    response = JsonResponse(outcome.body, status=outcome.status)
    response["Cache-Control"] = "no-store"
    return response


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _window_key(request: HttpRequest, bucket: str) -> str:
    return f"exchange-rate:{bucket}:{_client(request)}"


def _count(request: HttpRequest, bucket: str) -> int:
    """Count one more in a fixed one-minute window per client address (process cache)."""
    key = _window_key(request, bucket)
    cache.add(key, 0, timeout=60)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=60)
        return 1


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit`` (never read whole)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > limit:
        return None
    data = request.read(limit + 1)
    return None if len(data) > limit else data


def _endpoint(handler: Any) -> Any:
    """Rate-limit and answer JSON. A client that sent too much junk this minute is cut short
    before any work (no decryption, no database)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if _count(request, "all") > settings.EXCHANGE_RATE_LIMIT_PER_MINUTE:
            return JsonResponse({"error": "rate_limited"}, status=429)
        if int(cache.get(_window_key(request, "junk"), 0)) >= (
            settings.EXCHANGE_JUNK_LIMIT_PER_MINUTE
        ):
            return JsonResponse({"error": "rate_limited"}, status=429)
        if not node.is_configured():
            return JsonResponse({"error": "not_configured"}, status=503)
        outcome: Outcome = handler(request, *args, **kwargs)
        if outcome.status >= 400 and "evidences" not in outcome.body:
            _count(request, "junk")
        for result in outcome.body.get("results", []):
            if result.get("status", 200) >= 400 and "evidences" not in result:
                _count(request, "junk")
        return _json(outcome)

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return csrf_exempt(wrapped)


@require_POST
@_endpoint
def endpoint_messages(request: HttpRequest) -> Outcome:
    """POST an envelope: the evidences (relay, and delivery when there are no attachments)."""
    data = _read_body(request, seal.MAX_WIRE_BYTES)
    if data is None:
        return junk("too_large", 413)
    return receive_envelope(data)


# A batch of envelopes: at most MAX_BATCH, each within MAX_WIRE_BYTES.
MAX_BATCH_BYTES = 64 * 1024 * 1024


@require_POST
@_endpoint
def endpoint_batch(request: HttpRequest) -> Outcome:
    """POST several envelopes at once: {"envelopes": [...]}; each answered as if alone."""
    data = _read_body(request, MAX_BATCH_BYTES)
    if data is None:
        return junk("too_large", 413)
    try:
        payload = seal.loads_strict(data)
    except seal.SealError as error:
        return junk(error.code)
    if not isinstance(payload, dict) or set(payload) != {"envelopes"}:
        return junk("malformed")
    return receive_batch(payload["envelopes"])


@require_http_methods(["GET", "PUT"])
@_endpoint
def endpoint_part(
    request: HttpRequest, from_node: str, message_id: str, part_id: str, index: int = -1
) -> Outcome:
    """GET how many chunks of a part arrived; PUT the next one (encrypted)."""
    if request.method == "GET":
        proof = str(request.headers.get("X-Rex-Part-Proof", ""))[:100]
        return part_status(from_node, message_id, part_id, proof)
    if index < 0:
        return junk("malformed", 400)
    data = _read_body(request, settings.EXCHANGE_CHUNK_SIZE + 1024)
    if data is None:
        return junk("too_large", 413)
    return receive_chunk(from_node, message_id, part_id, index, data)


@require_POST
@_endpoint
def endpoint_evidences(request: HttpRequest) -> Outcome:
    """POST an evidence about a message we sent (retrieval, receipts of an offline import)."""
    data = _read_body(request, 64 * 1024)
    if data is None:
        return junk("too_large", 413)
    try:
        payload = seal.loads_strict(data)  # deep nesting was a RecursionError (500)
    except seal.SealError:
        return junk("malformed")
    if not isinstance(payload, dict):
        return junk("malformed")
    return receive_evidence(payload.get("evidence"))


@require_GET
def endpoint_descriptor(request: HttpRequest) -> HttpResponse:
    """This node's signed descriptor (public: it holds only public keys)."""
    try:
        token = node.descriptor()
    except ExchangeError:
        raise Http404("The exchange is not set up on this node.") from None
    response = HttpResponse(token, content_type="application/jose; charset=ascii")
    return attachment(response, "node-descriptor.jws")


urlpatterns = [
    path("exchange/v1/messages", endpoint_messages, name="exchange_endpoint_messages"),
    path("exchange/v1/batch", endpoint_batch, name="exchange_endpoint_batch"),
    path(
        "exchange/v1/messages/<slug:from_node>/<str:message_id>/parts/<slug:part_id>",
        endpoint_part,
        name="exchange_endpoint_part_status",
    ),
    path(
        "exchange/v1/messages/<slug:from_node>/<str:message_id>/parts/<slug:part_id>/<int:index>",
        endpoint_part,
        name="exchange_endpoint_part",
    ),
    path("exchange/v1/evidences", endpoint_evidences, name="exchange_endpoint_evidences"),
    path("exchange/v1/descriptor", endpoint_descriptor, name="exchange_descriptor"),
]
