package io.carousel.engine.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WindowedCountsTest {
  @Test
  void eachUserCountsForAtMostItsCapPerWindowAndTheReleaseIsLaplaceNoised() {
    AtomicLong now = new AtomicLong();
    WindowedCounts w = new WindowedCounts(3, 2, 1e9, 1000, Noise.seeded(1), now::get);
    for (int t = 0; t < 10_000; t++) {
      assertNull(w.observe("heavy", t % 3));
    }
    w.observe("light", 2);
    now.set(1000);
    double[] out = w.releaseIfDue();
    // heavy: items 0 and 1 once each (cap 2), light: item 2; noise ~1e-9.
    assertEquals(1, out[0], 1e-6);
    assertEquals(1, out[1], 1e-6);
    assertEquals(1, out[2], 1e-6);
    assertEquals(1, w.windows());
    // The next window starts empty: the same user counts again.
    assertNull(w.releaseIfDue());
    now.set(2000);
    double[] empty = w.releaseIfDue();
    assertEquals(0, empty[0], 1e-6);
  }

  @Test
  void theNoiseOfAnEmptyWindowHasTheLaplaceScale() {
    AtomicLong now = new AtomicLong();
    WindowedCounts w = new WindowedCounts(100_000, 2, 0.5, 1, Noise.seeded(9), now::get);
    now.set(1);
    double[] out = w.releaseIfDue();
    assertEquals(4.0, w.scale(), 0);
    // Clamped at 0, so E[max(0, L)] = b/2 for Laplace(0, b).
    double mean = 0;
    for (double v : out) {
      mean += v;
    }
    mean /= out.length;
    assertEquals(2.0, mean, 0.05);
  }
}
