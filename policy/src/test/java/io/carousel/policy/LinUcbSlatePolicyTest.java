package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinUcbSlatePolicyTest {

  // Prior λ = 1, then 9 observations of x = (1, 0) with reward 1: A = diag(10, 1), b = (9, 0).
  private static final LinearPosterior POSTERIOR = observedFirstAxis();
  private static final float[][] CANDIDATES = {{1f, 0f}, {0f, 1f}, {0.5f, 0.5f}};

  @Test
  void ucbScoresAreMeanPlusAlphaTimesStandardDeviation() {
    double[] s = new LinUcbSlatePolicy(2.0).ucbScores(POSTERIOR, CANDIDATES);
    // θ = (0.9, 0); variances xᵀA⁻¹x = 0.1, 1, 0.25·0.1 + 0.25·1 = 0.275.
    assertEquals(0.9 + 2 * Math.sqrt(0.1), s[0], 1e-6);
    assertEquals(2.0, s[1], 1e-6);
    assertEquals(0.45 + 2 * Math.sqrt(0.275), s[2], 1e-6);
  }

  @Test
  void zeroAlphaIsGreedyAndLargeAlphaExploresTheUncertainAxis() {
    SplittableRandom rng = new SplittableRandom(1);
    Slate greedy = new LinUcbSlatePolicy(0).choose(POSTERIOR, CANDIDATES, 3, rng);
    assertArrayEquals(new int[] {0, 2, 1}, greedy.chosen());
    Slate explore = new LinUcbSlatePolicy(2.0).choose(POSTERIOR, CANDIDATES, 2, rng);
    // Scores 1.532, 2.0, 1.499: the unobserved axis goes first.
    assertArrayEquals(new int[] {1, 0}, explore.chosen());
    assertArrayEquals(new double[] {1, 1}, explore.propensities(), 0);
  }

  @Test
  void isDeterministicAndReusesScratchAcrossShapes() {
    LinUcbSlatePolicy policy = new LinUcbSlatePolicy(0.5);
    SplittableRandom rng = new SplittableRandom(4);
    float[][] many = SlateAssertions.randomCandidates(rng, 40, 2);
    Slate first = policy.choose(POSTERIOR, many, 5, new SplittableRandom(1));
    SlateAssertions.assertDistinct(policy.choose(POSTERIOR, CANDIDATES, 10, rng), 3, 3);
    assertEquals(first, policy.choose(POSTERIOR, many, 5, new SplittableRandom(99)));
    SlateAssertions.assertDistinct(first, 5, 40);
  }

  @Test
  void rejectsNegativeAlphaAndDimensionMismatch() {
    assertThrows(IllegalArgumentException.class, () -> new LinUcbSlatePolicy(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new LinUcbSlatePolicy(Double.NaN));
    LinUcbSlatePolicy policy = new LinUcbSlatePolicy(1);
    assertThrows(
        IllegalArgumentException.class,
        () -> policy.choose(POSTERIOR, new float[][] {{1f}}, 1, new SplittableRandom(0)));
    assertEquals("linucb", policy.id());
  }

  private static LinearPosterior observedFirstAxis() {
    LinearPosterior p = LinearPosterior.prior(2, 1.0);
    for (int i = 0; i < 9; i++) {
      p = p.updated(new float[] {1f, 0f}, 1.0);
    }
    return p;
  }
}
