package io.carousel.engine.model;

import java.util.function.IntPredicate;

/**
 * The best {@code k} entries of a score row, best first.
 *
 * @param items item indices, descending score, ties broken by the lower index
 * @param scores their scores, same order
 */
public record TopN(int[] items, float[] scores) {

  /**
   * Selects the {@code k} highest scores of {@code scores} {@code float[numItems]} with a bounded
   * binary min-heap, O(numItems · log k) time and O(k) space (Knuth, TAOCP vol. 3, §5.2.3). Items
   * for which {@code exclude} is true, and NaN scores, are skipped; fewer than {@code k} items come
   * back when fewer remain.
   *
   * @param exclude items never to return, may be null
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public static TopN select(float[] scores, int k, IntPredicate exclude) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0: " + k);
    }
    int cap = Math.min(k, scores.length);
    int[] heap = new int[cap];
    int size = 0;
    for (int i = 0; i < scores.length && cap > 0; i++) {
      float s = scores[i];
      if (Float.isNaN(s) || (exclude != null && exclude.test(i))) {
        continue;
      }
      if (size < cap) {
        heap[size] = i;
        siftUp(heap, size++, scores);
      } else if (s > scores[heap[0]]) {
        // Ascending scan: an equal score has a higher index than the root, so it loses the tie.
        heap[0] = i;
        siftDown(heap, size, scores);
      }
    }
    int[] items = new int[size];
    float[] out = new float[size];
    for (int pos = size - 1; pos >= 0; pos--) {
      items[pos] = heap[0];
      out[pos] = scores[heap[0]];
      heap[0] = heap[--size];
      siftDown(heap, size, scores);
    }
    return new TopN(items, out);
  }

  /**
   * True when item {@code a} ranks below item {@code b}: lower score, or equal and higher index.
   */
  private static boolean worse(int a, int b, float[] scores) {
    return scores[a] < scores[b] || (scores[a] == scores[b] && a > b);
  }

  private static void siftUp(int[] heap, int pos, float[] scores) {
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!worse(heap[pos], heap[parent], scores)) {
        return;
      }
      swap(heap, pos, parent);
      pos = parent;
    }
  }

  private static void siftDown(int[] heap, int size, float[] scores) {
    int pos = 0;
    while (true) {
      int left = 2 * pos + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && worse(heap[left + 1], heap[left], scores) ? left + 1 : left;
      if (!worse(heap[child], heap[pos], scores)) {
        return;
      }
      swap(heap, pos, child);
      pos = child;
    }
  }

  private static void swap(int[] heap, int a, int b) {
    int tmp = heap[a];
    heap[a] = heap[b];
    heap[b] = tmp;
  }
}
