package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

  private static final int[] RANKED = {7, 3, 9, 1, 4};

  @Test
  void ndcgAtRankTwoIsHalf() {
    assertEquals(0.5, RankingMetrics.ndcgAt(RANKED, 9, 5), 1e-12);
    assertEquals(1.0, RankingMetrics.ndcgAt(RANKED, 7, 5), 1e-12);
    assertEquals(1.0 / (Math.log(3) / Math.log(2)), RankingMetrics.ndcgAt(RANKED, 3, 5), 1e-12);
  }

  @Test
  void metricsAreZeroBeyondCutoffOrWhenMissing() {
    assertEquals(0.0, RankingMetrics.ndcgAt(RANKED, 9, 2));
    assertEquals(0.0, RankingMetrics.hitAt(RANKED, 9, 2));
    assertEquals(0.0, RankingMetrics.reciprocalRankAt(RANKED, 9, 2));
    assertEquals(0.0, RankingMetrics.hitAt(RANKED, 42, 5));
    assertEquals(0.0, RankingMetrics.ndcgAt(RANKED, 42, 100));
  }

  @Test
  void hitAndReciprocalRankOnHandComputedExamples() {
    assertEquals(1.0, RankingMetrics.hitAt(RANKED, 9, 3));
    assertEquals(1.0 / 3, RankingMetrics.reciprocalRankAt(RANKED, 9, 3), 1e-12);
    assertEquals(0.25, RankingMetrics.reciprocalRankAt(RANKED, 1, 10), 1e-12);
    assertEquals(1.0, RankingMetrics.hitAt(RANKED, 4, 10));
  }

  @Test
  void rejectsNonPositiveCutoff() {
    assertThrows(IllegalArgumentException.class, () -> RankingMetrics.hitAt(RANKED, 7, 0));
    assertThrows(IllegalArgumentException.class, () -> RankingMetrics.topK(new float[3], -1));
  }

  @Test
  void topKBreaksTiesByLowerIndex() {
    float[] scores = {0.5f, 0.9f, 0.5f, 0.9f, 0.1f, 0.5f};
    assertArrayEquals(new int[] {1, 3, 0, 2}, RankingMetrics.topK(scores, 4));
  }

  @Test
  void topKSkipsExcludedIndices() {
    float[] scores = {0.5f, 0.9f, 0.7f, 0.8f, 0.1f};
    assertArrayEquals(new int[] {3, 2}, RankingMetrics.topK(scores, 2, i -> i == 1));
    assertArrayEquals(new int[] {4}, RankingMetrics.topK(scores, 3, i -> i != 4));
  }

  @Test
  void topKReturnsAllWhenKExceedsLength() {
    float[] scores = {0.2f, Float.NaN, 0.3f};
    assertArrayEquals(new int[] {2, 0, 1}, RankingMetrics.topK(scores, 10));
    assertArrayEquals(new int[0], RankingMetrics.topK(scores, 0));
  }

  @Test
  void topKMatchesFullSortOnRandomScores() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rng.nextInt(60);
      int k = rng.nextInt(n + 3);
      float[] scores = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values so ties are common.
        scores[i] = rng.nextInt(8) / 4f;
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(
          order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
      int[] expected = new int[Math.min(k, n)];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = order[i];
      }
      assertArrayEquals(expected, RankingMetrics.topK(scores, k), "trial " + trial);
    }
  }
}
