package io.carousel.policy;

import java.util.function.IntPredicate;

/**
 * Bounded min-heap top-k selection over score arrays in O(n log k), allocation-free when the caller
 * supplies the heap buffer.
 *
 * <p>Order: higher score first, ties broken by the lower index; NaN ranks below every number.
 */
final class TopK {

  private TopK() {}

  /**
   * Writes the indices of the {@code k} best entries of {@code scores} not rejected by {@code
   * excluded} (may be null) into {@code out[0..m)} in descending order and returns m ≤ k; {@code
   * out} needs at least k entries.
   */
  static int select(double[] scores, int k, IntPredicate excluded, int[] out) {
    int size = 0;
    for (int i = 0; i < scores.length && k > 0; i++) {
      if (excluded != null && excluded.test(i)) {
        continue;
      }
      if (size < k) {
        out[size] = i;
        siftUp(scores, out, size);
        size++;
      } else if (better(scores, i, out[0])) {
        out[0] = i;
        siftDown(scores, out, 0, size);
      }
    }
    // Heap sort in place: repeatedly move the worst kept entry to the end.
    for (int end = size - 1; end > 0; end--) {
      int worst = out[0];
      out[0] = out[end];
      out[end] = worst;
      siftDown(scores, out, 0, end);
    }
    return size;
  }

  /** Float overload of {@link #select(double[], int, IntPredicate, int[])}. */
  static int select(float[] scores, int k, IntPredicate excluded, int[] out) {
    int size = 0;
    for (int i = 0; i < scores.length && k > 0; i++) {
      if (excluded != null && excluded.test(i)) {
        continue;
      }
      if (size < k) {
        out[size] = i;
        siftUp(scores, out, size);
        size++;
      } else if (better(scores, i, out[0])) {
        out[0] = i;
        siftDown(scores, out, 0, size);
      }
    }
    for (int end = size - 1; end > 0; end--) {
      int worst = out[0];
      out[0] = out[end];
      out[end] = worst;
      siftDown(scores, out, 0, end);
    }
    return size;
  }

  /** Returns true if index i ranks strictly above index j (score desc, index asc, NaN last). */
  static boolean better(double[] s, int i, int j) {
    int c = compare(s[i], s[j]);
    return c > 0 || (c == 0 && i < j);
  }

  private static boolean better(float[] s, int i, int j) {
    int c = compare(s[i], s[j]);
    return c > 0 || (c == 0 && i < j);
  }

  private static int compare(double x, double y) {
    if (x < y) {
      return -1;
    }
    if (x > y) {
      return 1;
    }
    boolean xNan = x != x;
    boolean yNan = y != y;
    if (xNan == yNan) {
      return 0;
    }
    return xNan ? -1 : 1;
  }

  // The heap root is the worst kept entry, so a child must never rank worse than its parent.
  private static void siftUp(double[] s, int[] h, int pos) {
    int v = h[pos];
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!better(s, h[parent], v)) {
        break;
      }
      h[pos] = h[parent];
      pos = parent;
    }
    h[pos] = v;
  }

  private static void siftDown(double[] s, int[] h, int pos, int size) {
    int v = h[pos];
    while (true) {
      int child = 2 * pos + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && better(s, h[child], h[child + 1])) {
        child++;
      }
      if (!better(s, v, h[child])) {
        break;
      }
      h[pos] = h[child];
      pos = child;
    }
    h[pos] = v;
  }

  private static void siftUp(float[] s, int[] h, int pos) {
    int v = h[pos];
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!better(s, h[parent], v)) {
        break;
      }
      h[pos] = h[parent];
      pos = parent;
    }
    h[pos] = v;
  }

  private static void siftDown(float[] s, int[] h, int pos, int size) {
    int v = h[pos];
    while (true) {
      int child = 2 * pos + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && better(s, h[child], h[child + 1])) {
        child++;
      }
      if (!better(s, v, h[child])) {
        break;
      }
      h[pos] = h[child];
      pos = child;
    }
    h[pos] = v;
  }
}
