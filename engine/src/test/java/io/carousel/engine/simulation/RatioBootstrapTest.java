package io.carousel.engine.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RatioBootstrapTest {
  @Test
  void aPolicyWithTwiceTheHitsOfEveryUserHasRatioTwoWithoutSpread() {
    int[] b = {1, 3, 0, 5, 2};
    int[] a = {2, 6, 0, 10, 4};
    assertArrayEquals(new double[] {2, 2}, RatioBootstrap.interval95(a, b, 500, 1), 1e-12);
  }

  @Test
  void coversTheTrueRatioAndNarrowsWithMoreUsers() {
    // Each user has 4 steps; greedy hits with p 0.30, the other policy with p 0.33: true ratio 1.1.
    // Independent draws per policy: the hard case, nothing shared between the two.
    double[] small = interval(200, 7, false);
    double[] large = interval(20_000, 7, false);
    assertTrue(small[0] < 1.1 && 1.1 < small[1], "200 users: " + small[0] + ".." + small[1]);
    assertTrue(large[0] < 1.1 && 1.1 < large[1], "20k users: " + large[0] + ".." + large[1]);
    assertTrue(large[1] - large[0] < (small[1] - small[0]) / 5, "width shrinks like 1/sqrt(n)");
    assertTrue(small[0] < 1.0, "200 independent users cannot separate a 10% gain from none");
    // Paired: the better policy hits wherever the other does (same step outcomes), as on a replay
    // where both rank the same candidates; pairing by user removes most of the spread.
    double[] paired = interval(200, 7, true);
    assertTrue(paired[0] > 1.0 && paired[0] < 1.1 && 1.1 < paired[1], paired[0] + ".." + paired[1]);
  }

  @Test
  void rejectsMismatchedInput() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RatioBootstrap.interval95(new int[2], new int[3], 10, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> RatioBootstrap.interval95(new int[0], new int[0], 10, 1));
  }

  private static double[] interval(int users, long seed, boolean paired) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] a = new int[users];
    int[] b = new int[users];
    for (int u = 0; u < users; u++) {
      for (int step = 0; step < 4; step++) {
        double x = rng.nextDouble();
        double y = paired ? x : rng.nextDouble();
        b[u] += x < 0.30 ? 1 : 0;
        a[u] += y < 0.33 ? 1 : 0;
      }
    }
    return RatioBootstrap.interval95(a, b, 2000, 11);
  }
}
