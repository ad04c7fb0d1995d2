package io.carousel.http.limits;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the abuse limits, read once from {@code carousel.http.rate-limit} and {@code
 * carousel.http.memory} (defaults and units in the http-api {@code reference.conf};
 * docs/security.md, "Abuse limits").
 *
 * @param rateLimitEnabled whether requests are rate limited at all
 * @param perKey the limit of each API key (keys configured)
 * @param perShopper the limit of each shopper token's user (keys configured)
 * @param perAddress the limit of each client address (no keys configured: every route open)
 * @param maxBuckets most buckets kept; beyond, new principals share one overflow bucket
 * @param sweepInterval how often full buckets are dropped
 * @param maxHeapAfterGc the fraction of the largest heap that may be in use after a garbage
 *     collection before requests that would start a user actor or store something get 503; >= 1 =
 *     off
 * @param heapRetryAfter the {@code Retry-After} of such a 503
 */
public record LimitSettings(
    boolean rateLimitEnabled,
    RateLimiter.Limit perKey,
    RateLimiter.Limit perShopper,
    RateLimiter.Limit perAddress,
    int maxBuckets,
    Duration sweepInterval,
    double maxHeapAfterGc,
    Duration heapRetryAfter) {

  /** No rate limit and no heap check: for tools and tests that build routes by hand. */
  public static final LimitSettings OFF =
      new LimitSettings(
          false,
          new RateLimiter.Limit(1, 1),
          new RateLimiter.Limit(1, 1),
          new RateLimiter.Limit(1, 1),
          1,
          Duration.ofSeconds(10),
          1.0,
          Duration.ofSeconds(5));

  /**
   * Reads the settings.
   *
   * @throws IllegalArgumentException when a rate is not positive, a burst or max-buckets below 1,
   *     or max-heap-after-gc not in (0, 1]
   */
  public static LimitSettings fromConfig(Config config) {
    Config r = config.getConfig("carousel.http.rate-limit");
    Config m = config.getConfig("carousel.http.memory");
    double heap = m.getDouble("max-heap-after-gc");
    if (!(heap > 0) || heap > 1) {
      throw new IllegalArgumentException(
          "carousel.http.memory.max-heap-after-gc must be in (0, 1] (1 = off), got " + heap);
    }
    return new LimitSettings(
        r.getBoolean("enabled"),
        limit(r, "per-key"),
        limit(r, "per-shopper"),
        limit(r, "per-address"),
        r.getInt("max-buckets"),
        r.getDuration("sweep-interval"),
        heap,
        m.getDuration("retry-after"));
  }

  private static RateLimiter.Limit limit(Config r, String path) {
    try {
      return new RateLimiter.Limit(r.getDouble(path + ".rate"), r.getInt(path + ".burst"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "carousel.http.rate-limit." + path + ": " + e.getMessage(), e);
    }
  }
}
