package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdLogTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final long T0 = 1_796_600_000_000L;
  private static final EventIdRetention WEEK =
      new EventIdRetention(Duration.ofDays(7), Duration.ofDays(1), 10_000);

  @Test
  void remembersMoreThanTheOldWindowOf256Ids() {
    EventIdLog log = EventIdLog.EMPTY;
    for (int i = 0; i < 5_000; i++) {
      log = log.with("e-" + i, T0 + i, WEEK);
    }
    assertEquals(5_000, log.size());
    assertTrue(log.contains("e-0"), "the first of 5,000 ids within the retention");
    assertTrue(log.contains("e-4999"));
    assertFalse(log.contains("e-5000"));
    assertEquals(1, log.buckets().length, "one arrival bucket per day");
  }

  @Test
  void keepsAnIdForTheRetentionByArrivalThenDropsIt() {
    EventIdLog log = EventIdLog.EMPTY.with("old", T0, WEEK);
    log = log.with("six-days-later", T0 + 6 * DAY, WEEK);
    assertTrue(log.contains("old"), "6 days after arrival: within 7 days");
    log = log.with("eight-days-later", T0 + 8 * DAY + HOUR, WEEK);
    assertFalse(log.contains("old"), "more than retention + bucket after arrival: dropped");
    assertTrue(log.contains("six-days-later"));
    assertEquals(2, log.size());
    assertEquals(2, log.buckets().length);
  }

  @Test
  void theHardCapForgetsTheOldestIdsFirst() {
    EventIdRetention cap = new EventIdRetention(Duration.ofDays(7), Duration.ofHours(1), 10);
    EventIdLog log = EventIdLog.EMPTY;
    for (int i = 0; i < 25; i++) {
      // Three ids per hour, so the cap cuts through buckets.
      log = log.with("e-" + i, T0 + (i / 3) * HOUR, cap);
    }
    assertEquals(10, log.size());
    for (int i = 0; i < 15; i++) {
      assertFalse(log.contains("e-" + i), "e-" + i + " evicted by the cap");
    }
    for (int i = 15; i < 25; i++) {
      assertTrue(log.contains("e-" + i), "e-" + i + " kept");
    }
    long counted = 0;
    for (long b : log.buckets()) {
      counted += (int) b;
    }
    assertEquals(10, counted, "bucket counts sum to the ids held");
  }

  @Test
  void anArrivalBeforeTheNewestBucketJoinsIt() {
    EventIdLog log = EventIdLog.EMPTY.with("a", T0, WEEK).with("b", T0 - HOUR, WEEK);
    assertEquals(1, log.buckets().length);
    assertTrue(log.contains("a") && log.contains("b"));
  }

  @Test
  void withNeverChangesItsInput() {
    EventIdLog one = EventIdLog.EMPTY.with("a", T0, WEEK);
    EventIdLog two = one.with("b", T0, WEEK);
    assertEquals(1, one.size());
    assertEquals(1, (int) one.buckets()[0]);
    assertEquals(2, two.size());
    assertFalse(one.contains("b"));
  }

  @Test
  void fingerprintsOfManyDistinctIdsAreDistinctAndStable() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      assertTrue(seen.add(EventIdLog.fingerprint("evt-" + i)), "collision at " + i);
    }
    // SHA-256("abc") starts ba7816bf 8f01cfea (FIPS 180-2, appendix B.1).
    assertEquals(0xba7816bf8f01cfeaL, EventIdLog.fingerprint("abc"));
    assertNotEquals(EventIdLog.fingerprint("é"), EventIdLog.fingerprint("e"));
  }

  @Test
  void rejectsANonPositiveRetentionOrCap() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventIdRetention(Duration.ZERO, Duration.ofDays(1), 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventIdRetention(Duration.ofDays(7), Duration.ofDays(1), 0));
  }
}
