package io.carousel.http.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets on a clock the test moves: burst, refill, retry time, eviction, bound. */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  @Test
  void aBurstIsAdmittedThenTheRateWithTheWaitUntilTheNextToken() {
    RateLimiter limiter = new RateLimiter(10, now::get);
    RateLimiter.Limit limit = new RateLimiter.Limit(2, 3); // 2/s, bursts of 3
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.acquire("key:a", limit), "burst request " + i);
    }
    long wait = limiter.acquire("key:a", limit);
    assertEquals(SECOND / 2, wait, "the next token comes one interval (0.5 s) later");
    assertEquals(0, limiter.acquire("key:b", limit), "another principal has its own bucket");
    now.addAndGet(SECOND / 2);
    assertEquals(0, limiter.acquire("key:a", limit), "refilled one token");
    assertTrue(limiter.acquire("key:a", limit) > 0, "and only one");
    now.addAndGet(10 * SECOND);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.acquire("key:a", limit), "full again after a pause: " + i);
    }
    assertTrue(limiter.acquire("key:a", limit) > 0, "never more than the burst");
  }

  @Test
  void aRefusedRequestTakesNoToken() {
    RateLimiter limiter = new RateLimiter(10, now::get);
    RateLimiter.Limit limit = new RateLimiter.Limit(1, 1);
    assertEquals(0, limiter.acquire("p", limit));
    for (int i = 0; i < 100; i++) {
      assertEquals(SECOND, limiter.acquire("p", limit), "hammering does not push the wait out");
    }
    now.addAndGet(SECOND);
    assertEquals(0, limiter.acquire("p", limit));
  }

  @Test
  void fullBucketsAreSweptAndTheNumberOfBucketsIsBounded() {
    RateLimiter limiter = new RateLimiter(3, now::get);
    RateLimiter.Limit limit = new RateLimiter.Limit(1, 1);
    for (String p : new String[] {"a", "b", "c"}) {
      assertEquals(0, limiter.acquire(p, limit));
    }
    assertEquals(3, limiter.buckets());
    // A fourth principal while all three are draining: it shares the overflow bucket.
    assertEquals(0, limiter.acquire("d", limit));
    assertTrue(limiter.acquire("e", limit) > 0, "e shares d's overflow bucket, just used");
    assertEquals(3, limiter.buckets(), "never more than max-buckets");
    now.addAndGet(2 * SECOND);
    assertEquals(0, limiter.sweep(), "every bucket refilled: all dropped");
    assertEquals(0, limiter.acquire("e", limit), "room again: e gets its own bucket");
    assertEquals(1, limiter.buckets());
  }
}
