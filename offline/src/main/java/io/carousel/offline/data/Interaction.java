package io.carousel.offline.data;

import io.carousel.policy.EventType;

/**
 * One logged shopper interaction, as read from a dataset.
 *
 * <p>The weight (issue 13 §4) comes from a shop's own event types mapped to a number ({@code
 * --types fav=0.6}); every built-in type and every named dataset has weight 1, so their numbers do
 * not move. An interaction of weight w is a <em>target</em> with probability w ({@link
 * #isTarget()}): targets are what training learns to predict, what popularity counts and what
 * evaluation holds out. A non-target is context only: it stays in the shopper's history.
 *
 * @param userId the shopper
 * @param itemId the item interacted with
 * @param type the kind of interaction (review logs map to {@link EventType#PURCHASE}); for a type
 *     mapped to a weight, the built-in type whose default reward is nearest it (what a replay to
 *     the live API sends)
 * @param timestampMs event time, epoch milliseconds UTC
 * @param weight in [0, 1]: 0 = context only, 1 = always a target
 */
public record Interaction(
    String userId, String itemId, EventType type, long timestampMs, double weight) {

  /**
   * @throws IllegalArgumentException if {@code weight} is NaN or outside [0, 1]
   */
  public Interaction {
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("interaction weight must be in [0, 1]: " + weight);
    }
  }

  /** An interaction of weight 1 (always a target). */
  public Interaction(String userId, String itemId, EventType type, long timestampMs) {
    this(userId, itemId, type, timestampMs, 1.0);
  }

  /**
   * Returns whether this interaction is a target: always for weight 1, never for weight 0, else
   * with probability {@code weight}, drawn from a hash of (user, item, time) so that training,
   * evaluation and every rerun agree without a shared random stream.
   */
  public boolean isTarget() {
    if (weight >= 1) {
      return true;
    }
    if (weight <= 0) {
      return false;
    }
    return uniform(userId, itemId, timestampMs) < weight;
  }

  /** A deterministic uniform in [0, 1) from the event's identity (SplitMix64 finaliser). */
  static double uniform(String userId, String itemId, long timestampMs) {
    long z = 0x9E3779B97F4A7C15L;
    z = mix(z ^ userId.hashCode());
    z = mix(z ^ itemId.hashCode());
    z = mix(z ^ timestampMs);
    return (z >>> 11) * 0x1.0p-53;
  }

  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
