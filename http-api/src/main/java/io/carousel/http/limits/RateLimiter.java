package io.carousel.http.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets by principal (an API key, a shopper, a client address), as the generic cell rate
 * algorithm: each bucket is one {@link AtomicLong}, the theoretical arrival time (TAT) of the next
 * request, advanced by one emission interval per admitted request with a compare-and-set. A request
 * is admitted while TAT − now ≤ (burst − 1) × interval, which is exactly a bucket of {@code burst}
 * tokens refilled at {@code rate} per second. The hot path is one {@link ConcurrentHashMap#get} and
 * one CAS; no lock is held across principals.
 *
 * <p>A bucket whose TAT lies in the past is full, so dropping it changes no answer: {@link #sweep}
 * drops those (the node runs it every few seconds). At most {@code maxBuckets} are kept; when that
 * many principals were active within one refill, each new one shares a single overflow bucket (of
 * the same limit) until a sweep makes room, so memory stays bounded under a spray of addresses.
 * Thread-safe.
 */
public final class RateLimiter {
  /** The principal of the shared bucket new principals use when {@code maxBuckets} are in use. */
  static final String OVERFLOW = "*overflow*";

  /**
   * A limit: {@code rate} requests per second sustained, {@code burst} at once.
   *
   * @param rate requests per second, > 0
   * @param burst the bucket's size, >= 1
   */
  public record Limit(double rate, int burst) {
    public Limit {
      if (!(rate > 0) || burst < 1) {
        throw new IllegalArgumentException("a rate limit needs rate > 0 and burst >= 1");
      }
    }

    long intervalNanos() {
      return Math.max(1, (long) (1e9 / rate));
    }

    long toleranceNanos() {
      return intervalNanos() * (burst - 1L);
    }
  }

  private final ConcurrentHashMap<String, AtomicLong> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final int maxBuckets;
  private final LongSupplier nanoClock;

  /**
   * @param maxBuckets most buckets kept (principals active within one refill), >= 1
   * @param nanoClock a monotonic clock, nanoseconds ({@code System::nanoTime})
   */
  public RateLimiter(int maxBuckets, LongSupplier nanoClock) {
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("max-buckets must be >= 1");
    }
    this.maxBuckets = maxBuckets;
    this.nanoClock = nanoClock;
  }

  /**
   * Takes one token of {@code principal}'s bucket.
   *
   * @return 0 when admitted, else how long until a token is available, nanoseconds (> 0)
   */
  public long acquire(String principal, Limit limit) {
    long now = nanoClock.getAsLong();
    AtomicLong tat = buckets.get(principal);
    if (tat == null) {
      tat = bucket(principal, now);
    }
    long interval = limit.intervalNanos();
    long tolerance = limit.toleranceNanos();
    while (true) {
      long t = tat.get();
      long base = t - now > 0 ? t : now;
      long wait = base - tolerance - now;
      if (wait > 0) {
        return wait;
      }
      if (tat.compareAndSet(t, base + interval)) {
        return 0;
      }
    }
  }

  private AtomicLong bucket(String principal, long now) {
    if (size.get() >= maxBuckets) {
      sweep();
      if (size.get() >= maxBuckets) {
        return buckets.computeIfAbsent(OVERFLOW, k -> new AtomicLong(now));
      }
    }
    return buckets.computeIfAbsent(
        principal,
        k -> {
          size.incrementAndGet();
          return new AtomicLong(now);
        });
  }

  /**
   * Drops the full buckets (TAT in the past: as good as new); one sweep at a time, a concurrent
   * call returns at once.
   *
   * @return the buckets kept
   */
  public int sweep() {
    if (!sweeping.compareAndSet(false, true)) {
      return size.get();
    }
    try {
      long now = nanoClock.getAsLong();
      buckets.forEach(
          (principal, tat) -> {
            if (tat.get() - now <= 0 && buckets.remove(principal, tat)) {
              if (!principal.equals(OVERFLOW)) {
                size.decrementAndGet();
              }
            }
          });
      return size.get();
    } finally {
      sweeping.set(false);
    }
  }

  /** Returns the number of buckets kept (the overflow bucket not counted). */
  public int buckets() {
    return size.get();
  }
}
