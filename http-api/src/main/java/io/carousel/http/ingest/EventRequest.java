package io.carousel.http.ingest;

import io.carousel.policy.EventType;

/**
 * A validated event from {@code POST /v1/events}. Wire form: {@code {eventId?, userId, itemId,
 * type: view|click|add_to_cart|purchase, timestamp: ISO-8601 or epoch ms, slateId?}}.
 *
 * @param eventId the shop's idempotency key; generated from the content when absent
 * @param timestampMs event time, epoch ms
 */
public record EventRequest(
    String eventId,
    String userId,
    String itemId,
    EventType type,
    long timestampMs,
    String slateId) {}
