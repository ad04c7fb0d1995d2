package io.carousel.offline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
  private static final long MS = 1_000_000L;

  /**
   * A fake server with one connection: 1 ms per request, except that it stalls for 1 s once. The
   * client offers 100 requests/s for 10 s; a request cannot be sent before the previous answer. The
   * 100 requests due during the stall waited up to 1 s each, so the corrected p99 is hundreds of
   * ms, while the service time (what an uncorrected recorder reports) stays at 1 ms.
   */
  @Test
  void aStallIsChargedToEveryRequestScheduledDuringIt() {
    LatencyRecorder r = new LatencyRecorder();
    long free = 0; // when the fake server can take the next request
    for (int i = 0; i < 1_000; i++) {
      long intended = LatencyRecorder.intendedStart(0, i, 100);
      long sent = Math.max(intended, free);
      long end = sent + (i == 100 ? 1_000 * MS : MS);
      free = end;
      r.record(intended, sent, end, true);
    }
    assertEquals(1_000, r.ok());
    assertEquals(0, r.errors());
    assertEquals(1.0, r.serviceMs(99), 0.01);
    assertTrue(r.correctedMs(99) > 500, "corrected p99 " + r.correctedMs(99));
    assertTrue(r.correctedMs(50) < 2, "corrected p50 " + r.correctedMs(50));
    assertTrue(r.correctedMs(100) >= 1_000, "corrected max " + r.correctedMs(100));
  }

  @Test
  void intendedStartsFollowTheOfferedRate() {
    assertEquals(5 * MS, LatencyRecorder.intendedStart(0, 1, 200));
    assertEquals(7 + 2_500 * MS, LatencyRecorder.intendedStart(7, 1_000, 400));
  }

  @Test
  void failuresAreCountedApartFromSuccesses() {
    LatencyRecorder r = new LatencyRecorder();
    r.record(0, 0, MS, false);
    r.record(0, 0, MS, true);
    assertEquals(1, r.ok());
    assertEquals(1, r.errors());
  }
}
