package io.carousel.policy;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Leave-one-out ranking metrics with a single relevant item (HR@K, NDCG@K, MRR@K) and top-k
 * selection over score vectors.
 *
 * <p>Definitions follow the leave-one-out protocol of He et al. 2017, "Neural Collaborative
 * Filtering", §4.1: with one relevant item at 0-based rank r, the ideal DCG is 1, so NDCG@K = 1 /
 * log2(r + 2) when r &lt; K and 0 otherwise.
 */
public final class RankingMetrics {

  private RankingMetrics() {}

  /**
   * Returns 1.0 if {@code target} is among the first {@code k} entries of {@code ranked} (item ids,
   * best first), else 0.0; throws IllegalArgumentException if k < 1.
   */
  public static double hitAt(int[] ranked, int target, int k) {
    return hitAtRank(rankWithin(ranked, target, k), k);
  }

  /**
   * Returns NDCG@K for a single relevant item, 1 / log2(rank + 2) with 0-based rank below k, else
   * 0.0; throws IllegalArgumentException if k < 1.
   */
  public static double ndcgAt(int[] ranked, int target, int k) {
    return ndcgAtRank(rankWithin(ranked, target, k), k);
  }

  /**
   * Returns the reciprocal rank 1 / (rank + 1) with 0-based rank below k, else 0.0 (averaged over
   * users this is MRR@K); throws IllegalArgumentException if k < 1.
   */
  public static double reciprocalRankAt(int[] ranked, int target, int k) {
    return reciprocalRankAtRank(rankWithin(ranked, target, k), k);
  }

  /**
   * HR@K from the 0-based rank of the one relevant item (-1: not ranked): 1.0 when {@code 0 <= rank
   * < k}, else 0.0. The evaluation ranks by counting instead of sorting and calls these directly.
   */
  public static double hitAtRank(int rank, int k) {
    return rank >= 0 && rank < k ? 1.0 : 0.0;
  }

  /** NDCG@K from the 0-based rank (-1: not ranked): 1 / log2(rank + 2) below k, else 0.0. */
  public static double ndcgAtRank(int rank, int k) {
    return rank >= 0 && rank < k ? 1 / (Math.log(rank + 2.0) / Math.log(2)) : 0.0;
  }

  /** Reciprocal rank 1 / (rank + 1) for a 0-based rank below k (-1: not ranked), else 0.0. */
  public static double reciprocalRankAtRank(int rank, int k) {
    return rank >= 0 && rank < k ? 1.0 / (rank + 1) : 0.0;
  }

  /**
   * Returns the indices of the {@code min(k, n)} largest of {@code scores} ({@code float[n]}) in
   * descending order, ties by lower index, NaN last, in O(n log k); throws IllegalArgumentException
   * if k < 0.
   */
  public static int[] topK(float[] scores, int k) {
    return topK(scores, k, null);
  }

  /**
   * Returns {@link #topK(float[], int)} over the indices for which {@code excluded} (null for none)
   * is false, e.g. items already seen; may return fewer than k; throws IllegalArgumentException if
   * k < 0.
   */
  public static int[] topK(float[] scores, int k, IntPredicate excluded) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int[] out = new int[Math.min(k, scores.length)];
    int m = TopK.select(scores, out.length, excluded, out);
    return m == out.length ? out : Arrays.copyOf(out, m);
  }

  private static int rankWithin(int[] ranked, int target, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    int limit = Math.min(k, ranked.length);
    for (int i = 0; i < limit; i++) {
      if (ranked[i] == target) {
        return i;
      }
    }
    return -1;
  }
}
