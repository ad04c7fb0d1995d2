package io.carousel.offline.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {
  @Test
  void aPolicyWithTwiceTheHitsOfEveryUserHasRatioTwoWithoutSpread() {
    int[] b = {1, 3, 0, 5, 2};
    int[] a = {2, 6, 0, 10, 4};
    assertArrayEquals(new double[] {2, 2}, PairedBootstrap.ratioOfSums95(a, b, 500, 1), 1e-12);
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
  void meanDifferenceOfNdcgCoversTheTruth() {
    // Per-user NDCG-like values: model a is 0.02 better on average, with noise shared by user.
    SplittableRandom rng = new SplittableRandom(3);
    double[] a = new double[5_000];
    double[] b = new double[5_000];
    for (int u = 0; u < a.length; u++) {
      double difficulty = rng.nextDouble() * 0.4;
      b[u] = difficulty;
      a[u] = difficulty + 0.02 + (rng.nextDouble() - 0.5) * 0.1;
    }
    double[] ci = PairedBootstrap.meanDifference95(a, b, 2000, 5);
    assertTrue(ci[0] < 0.02 && 0.02 < ci[1], ci[0] + ".." + ci[1]);
    assertTrue(ci[0] > 0.015 && ci[1] < 0.025, "paired: the shared difficulty cancels");
    assertArrayEquals(new double[] {0, 0}, PairedBootstrap.meanDifference95(b, b, 100, 1), 0);
  }

  @Test
  void rejectsMismatchedInput() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PairedBootstrap.ratioOfSums95(new int[2], new int[3], 10, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> PairedBootstrap.ratioOfSums95(new int[0], new int[0], 10, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> PairedBootstrap.meanDifference95(new double[1], new double[1], 0, 1));
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
    return PairedBootstrap.ratioOfSums95(a, b, 2000, 11);
  }
}
