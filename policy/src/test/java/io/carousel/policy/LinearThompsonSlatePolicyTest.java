package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearThompsonSlatePolicyTest {

  // Σ = A⁻¹ = 0.25·I around μ = (0.5, 0.5): means 0.5, 0.5, 0.7, 0.25, 0.55.
  private static final LinearPosterior POSTERIOR =
      LinearPosterior.globalPrior(new double[] {0.5, 0.5}, 2, 4.0);
  private static final float[][] CANDIDATES = {
    {1f, 0f}, {0f, 1f}, {0.7f, 0.7f}, {1f, -0.5f}, {0.2f, 0.9f}
  };

  @Test
  void monteCarloPropensityMatchesClosedFormForTwoCandidates() {
    // P(item 0 beats item 1) = Φ(0.2 / sqrt(0.25·2)) = Φ(0.28284) for μ = (0.6, 0.4), v = 1.
    LinearPosterior p = LinearPosterior.globalPrior(new double[] {0.6, 0.4}, 2, 4.0);
    float[][] two = {{1f, 0f}, {0f, 1f}};
    int m = 4000;
    double pFirst = normalCdf(0.2 / Math.sqrt(0.5));
    assertEquals(0.6113, pFirst, 1e-4);
    LinearThompsonSlatePolicy policy = new LinearThompsonSlatePolicy(1.0, m);
    SplittableRandom rng = new SplittableRandom(77);
    for (int t = 0; t < 5; t++) {
      Slate s = policy.choose(p, two, 1, rng);
      double expected = s.chosen()[0] == 0 ? pFirst : 1 - pFirst;
      double se = Math.sqrt(expected * (1 - expected) / m);
      assertEquals(expected, s.propensities()[0], 3 * se);
    }
  }

  @Test
  void monteCarloPropensitiesMatchEmpiricalFrequencies() {
    int m = 1000;
    int draws = 4000;
    int slate = 2;
    LinearThompsonSlatePolicy policy = new LinearThompsonSlatePolicy(1.0, m);
    SplittableRandom rng = new SplittableRandom(99);
    int n = CANDIDATES.length;
    int[][] counts = new int[slate][n];
    double[][] firstEstimate = new double[slate][n];
    for (int t = 0; t < draws; t++) {
      Slate s = policy.choose(POSTERIOR, CANDIDATES, slate, rng);
      for (int j = 0; j < slate; j++) {
        int c = s.chosen()[j];
        if (counts[j][c]++ == 0) {
          firstEstimate[j][c] = s.propensities()[j];
        }
      }
    }
    int compared = 0;
    for (int j = 0; j < slate; j++) {
      for (int c = 0; c < n; c++) {
        double empirical = counts[j][c] / (double) draws;
        if (counts[j][c] < 20) {
          continue;
        }
        double p = firstEstimate[j][c];
        // The difference of two independent estimates of p: MC with M draws, empirical with N.
        double se = Math.sqrt(p * (1 - p) * (1.0 / m + 1.0 / draws));
        assertEquals(empirical, p, 3 * se, "slot " + j + " item " + c);
        compared++;
      }
    }
    assertTrue(compared >= 8, "expected most (slot, item) pairs to occur, got " + compared);
  }

  @Test
  void propensityIsFlooredAtHalfOverM() {
    LinearThompsonSlatePolicy policy = new LinearThompsonSlatePolicy(1.0, 1);
    SplittableRandom rng = new SplittableRandom(5);
    boolean sawFloor = false;
    for (int t = 0; t < 100; t++) {
      for (double p : policy.choose(POSTERIOR, CANDIDATES, 3, rng).propensities()) {
        assertTrue(p == 0.5 || p == 1.0, "with M = 1 a propensity is 1/2 (floor) or 1, got " + p);
        sawFloor |= p == 0.5;
      }
    }
    assertTrue(sawFloor);
  }

  @Test
  void sameSeedGivesSameSlate() {
    LinearThompsonSlatePolicy policy = new LinearThompsonSlatePolicy(0.5, 200);
    assertEquals(
        policy.choose(POSTERIOR, CANDIDATES, 3, new SplittableRandom(8)),
        policy.choose(POSTERIOR, CANDIDATES, 3, new SplittableRandom(8)));
    // A non-splittable generator seeds the Monte Carlo stream from its next long instead.
    assertEquals(
        policy.choose(POSTERIOR, CANDIDATES, 3, new Random(8)),
        policy.choose(POSTERIOR, CANDIDATES, 3, new Random(8)));
  }

  @Test
  void confidentPosteriorRanksByMeanWithPropensityNearOne() {
    LinearPosterior p = LinearPosterior.globalPrior(new double[] {1.0, -1.0}, 2, 1e6);
    Slate s =
        new LinearThompsonSlatePolicy(1.0, 500).choose(p, CANDIDATES, 3, new SplittableRandom(3));
    // Means: 1, −1, 0, 1.5, −0.7 → order 3, 0, 2.
    assertArrayEquals(new int[] {3, 0, 2}, s.chosen());
    assertArrayEquals(new double[] {1, 1, 1}, s.propensities(), 1e-12);
  }

  @Test
  void neverDuplicatesCandidate() {
    SplittableRandom rng = new SplittableRandom(12);
    float[][] candidates = SlateAssertions.randomCandidates(rng, 15, 4);
    LinearPosterior p = LinearPosterior.prior(4, 1.0);
    for (int t = 0; t < 30; t++) {
      p = p.updated(candidates[t % 15], rng.nextDouble());
    }
    LinearThompsonSlatePolicy policy = new LinearThompsonSlatePolicy(1.0, 50);
    for (int t = 0; t < 300; t++) {
      SlateAssertions.assertDistinct(policy.choose(p, candidates, 6, rng), 6, 15);
    }
    SlateAssertions.assertDistinct(policy.choose(p, candidates, 40, rng), 15, 15);
  }

  @Test
  void choleskyHandlesSemidefiniteCovarianceWithJitter() {
    // Rank-1 matrix [[1, 1], [1, 1]]: plain Cholesky hits a zero pivot.
    double[] l = LinearThompsonSlatePolicy.cholesky(new double[] {1, 1, 1, 1}, 2);
    assertEquals(1.0, l[0], 1e-9);
    assertEquals(1.0, l[2], 1e-9);
    assertTrue(l[3] > 0 && l[3] < 1e-4, "jittered pivot " + l[3]);
    double[] exact = LinearThompsonSlatePolicy.cholesky(new double[] {4, 2, 2, 3}, 2);
    assertArrayEquals(new double[] {2, 0, 1, Math.sqrt(2)}, exact, 1e-12);
  }

  @Test
  void rejectsNonPositiveSlateSizeAndDimensionMismatch() {
    LinearThompsonSlatePolicy policy = new LinearThompsonSlatePolicy(1.0, 10);
    SplittableRandom rng = new SplittableRandom(0);
    assertThrows(
        IllegalArgumentException.class, () -> policy.choose(POSTERIOR, CANDIDATES, -1, rng));
    assertThrows(
        IllegalArgumentException.class,
        () -> policy.choose(POSTERIOR, new float[][] {{1f}}, 1, rng));
    assertThrows(IllegalArgumentException.class, () -> new LinearThompsonSlatePolicy(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new LinearThompsonSlatePolicy(1, 0));
    assertEquals("linear-ts", policy.id());
  }

  /** Standard normal CDF via erf, Abramowitz &amp; Stegun 7.1.26 (|error| < 1.5e-7). */
  private static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double poly =
        t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double erf = 1 - poly * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
