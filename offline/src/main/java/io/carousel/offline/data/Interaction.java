package io.carousel.offline.data;

import io.carousel.policy.EventType;

/**
 * One logged shopper interaction, as read from a dataset.
 *
 * @param userId the shopper
 * @param itemId the item interacted with
 * @param type the kind of interaction (review logs map to {@link EventType#PURCHASE})
 * @param timestampMs event time, epoch milliseconds UTC
 */
public record Interaction(String userId, String itemId, EventType type, long timestampMs) {}
