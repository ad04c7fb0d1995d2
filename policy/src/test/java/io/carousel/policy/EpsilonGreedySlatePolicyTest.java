package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpsilonGreedySlatePolicyTest {

  // With θ = (1, 0) the mean score is x[0]: best-first order is 0, 2, 1, 3.
  private static final LinearPosterior POSTERIOR =
      LinearPosterior.globalPrior(new double[] {1.0, 0.0}, 2, 1.0);
  private static final float[][] CANDIDATES = {{0.9f, 0.3f}, {0.5f, -1f}, {0.7f, 2f}, {0.1f, 0f}};

  @Test
  void bestItemInSlotZeroHasPropensityOneMinusEpsilonPlusEpsilonOverN() {
    EpsilonGreedySlatePolicy policy = new EpsilonGreedySlatePolicy(0.3);
    SplittableRandom rng = new SplittableRandom(1);
    int seenBest = 0;
    for (int t = 0; t < 200; t++) {
      Slate s = policy.choose(POSTERIOR, CANDIDATES, 2, rng);
      if (s.chosen()[0] == 0) {
        assertEquals(0.7 + 0.3 / 4, s.propensities()[0], 1e-12);
        seenBest++;
      } else {
        assertEquals(0.3 / 4, s.propensities()[0], 1e-12);
      }
    }
    assertTrue(seenBest > 100, "best item should lead most slates, got " + seenBest);
  }

  @Test
  void exactPropensitiesMatchEmpiricalSlotFrequencies() {
    EpsilonGreedySlatePolicy policy = new EpsilonGreedySlatePolicy(0.3);
    SplittableRandom rng = new SplittableRandom(2024);
    int draws = 20_000;
    int[] slotZeroCounts = new int[4];
    double[] slotZeroPropensity = new double[4];
    Map<Integer, Integer> slateCounts = new HashMap<>();
    Map<Integer, Double> slateProbability = new HashMap<>();
    for (int t = 0; t < draws; t++) {
      Slate s = policy.choose(POSTERIOR, CANDIDATES, 2, rng);
      int c0 = s.chosen()[0];
      slotZeroCounts[c0]++;
      slotZeroPropensity[c0] = s.propensities()[0];
      int key = c0 * 4 + s.chosen()[1];
      slateCounts.merge(key, 1, Integer::sum);
      slateProbability.put(key, s.propensities()[0] * s.propensities()[1]);
    }
    for (int i = 0; i < 4; i++) {
      assertEquals(slotZeroPropensity[i], slotZeroCounts[i] / (double) draws, 0.01, "item " + i);
    }
    // Conditional propensities chain to the slate probability: check every ordered pair seen.
    assertEquals(12, slateCounts.size());
    double total = 0;
    for (Map.Entry<Integer, Integer> e : slateCounts.entrySet()) {
      double p = slateProbability.get(e.getKey());
      assertEquals(p, e.getValue() / (double) draws, 0.01, "slate " + e.getKey());
      assertEquals(expectedSlateProbability(e.getKey() / 4, e.getKey() % 4, 0.3), p, 1e-12);
      total += p;
    }
    assertEquals(1.0, total, 1e-12);
  }

  @Test
  void zeroEpsilonIsGreedyWithPropensityOne() {
    Slate s =
        new EpsilonGreedySlatePolicy(0.0).choose(POSTERIOR, CANDIDATES, 3, new SplittableRandom(4));
    assertArrayEquals(new int[] {0, 2, 1}, s.chosen());
    assertArrayEquals(new double[] {1, 1, 1}, s.propensities(), 1e-12);
  }

  @Test
  void neverDuplicatesCandidate() {
    SplittableRandom rng = new SplittableRandom(6);
    float[][] candidates = SlateAssertions.randomCandidates(rng, 12, 3);
    LinearPosterior p = LinearPosterior.globalPrior(new double[] {0.2, -0.1, 0.4}, 3, 1.0);
    EpsilonGreedySlatePolicy policy = new EpsilonGreedySlatePolicy(0.5);
    for (int t = 0; t < 500; t++) {
      SlateAssertions.assertDistinct(policy.choose(p, candidates, 8, rng), 8, 12);
    }
  }

  @Test
  void returnsAllCandidatesWhenSlateLargerThanPool() {
    Slate s =
        new EpsilonGreedySlatePolicy(0.1).choose(POSTERIOR, CANDIDATES, 9, new SplittableRandom(3));
    SlateAssertions.assertDistinct(s, 4, 4);
    // The last slot has one remaining candidate, which is also the best remaining.
    assertEquals(1.0, s.propensities()[3], 1e-12);
  }

  @Test
  void rejectsNonPositiveSlateSizeAndDimensionMismatch() {
    EpsilonGreedySlatePolicy policy = new EpsilonGreedySlatePolicy(0.1);
    SplittableRandom rng = new SplittableRandom(0);
    assertThrows(
        IllegalArgumentException.class, () -> policy.choose(POSTERIOR, CANDIDATES, 0, rng));
    assertThrows(
        IllegalArgumentException.class,
        () -> policy.choose(POSTERIOR, new float[][] {{1f, 2f, 3f}}, 1, rng));
    assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedySlatePolicy(1.1));
    assertEquals("epsilon-greedy", policy.id());
  }

  /** Hand derivation: the best-first order is 0, 2, 1, 3. */
  private static double expectedSlateProbability(int first, int second, double eps) {
    int[] order = {0, 2, 1, 3};
    double p0 = (first == order[0] ? 1 - eps : 0) + eps / 4;
    int bestRemaining = first == order[0] ? order[1] : order[0];
    double p1 = (second == bestRemaining ? 1 - eps : 0) + eps / 3;
    return p0 * p1;
  }
}
