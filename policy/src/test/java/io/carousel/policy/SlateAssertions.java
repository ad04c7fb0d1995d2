package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

/** Shared checks and fixtures for slate policy tests. */
final class SlateAssertions {

  private SlateAssertions() {}

  /**
   * Asserts the slate has the expected length, in-range distinct indices and propensities in (0,
   * 1].
   */
  static void assertDistinct(Slate s, int expectedLength, int candidates) {
    assertEquals(expectedLength, s.size());
    boolean[] used = new boolean[candidates];
    for (int j = 0; j < s.size(); j++) {
      int c = s.chosen()[j];
      assertTrue(c >= 0 && c < candidates, "index out of range: " + c);
      assertTrue(!used[c], "duplicate candidate " + c);
      used[c] = true;
      double p = s.propensities()[j];
      assertTrue(p > 0 && p <= 1, "propensity out of range: " + p);
    }
  }

  static float[][] randomCandidates(SplittableRandom rng, int n, int dim) {
    float[][] c = new float[n][dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        c[i][d] = (float) rng.nextGaussian();
      }
    }
    return c;
  }
}
