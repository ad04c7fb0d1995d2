package io.carousel.engine.retrieval;

import io.carousel.policy.TopK;
import java.util.function.IntPredicate;

/**
 * The best {@code k} entries of a score row, best first.
 *
 * @param items item indices, descending score, ties broken by the lower index
 * @param scores their scores, same order
 */
public record TopN(int[] items, float[] scores) {

  /**
   * Selects the {@code k} highest scores of {@code scores} {@code float[numItems]} with the bounded
   * min-heap of {@link TopK}, O(numItems · log k) time and O(k) space. Items for which {@code
   * exclude} is true, and NaN scores, are skipped; fewer than {@code k} items come back when fewer
   * remain.
   *
   * @param exclude items never to return, may be null
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public static TopN select(float[] scores, int k, IntPredicate exclude) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0: " + k);
    }
    TopK.Heap heap = new TopK.Heap(Math.min(k, scores.length));
    for (int i = 0; i < scores.length && heap.capacity() > 0; i++) {
      float s = scores[i];
      if (Float.isNaN(s) || (exclude != null && exclude.test(i))) {
        continue;
      }
      heap.offer(i, s);
    }
    return drain(heap, 1f);
  }

  /**
   * The kept entries of {@code heap}, best first, each score (a float widened when offered)
   * multiplied by {@code scale} in float arithmetic.
   */
  static TopN drain(TopK.Heap heap, float scale) {
    int n = heap.sort();
    int[] items = new int[n];
    float[] out = new float[n];
    for (int pos = 0; pos < n; pos++) {
      items[pos] = heap.index(pos);
      out[pos] = (float) heap.score(pos) * scale;
    }
    return new TopN(items, out);
  }
}
