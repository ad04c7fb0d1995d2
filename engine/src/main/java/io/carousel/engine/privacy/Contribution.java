package io.carousel.engine.privacy;

import java.util.Arrays;

/**
 * Bounds one user's contribution to the shared statistics, so that one user changes each count by
 * at most 1 and touches at most a fixed number of counts whatever the length of their history (a
 * user with 10,000 events counts like one with C): the most recent C distinct items, and the most
 * recent P distinct consecutive pairs, each counted once. Deterministic, so clipping is part of the
 * mechanism and costs no budget.
 */
public final class Contribution {
  private Contribution() {}

  /**
   * Returns the most recent {@code max} distinct items of {@code sequence} (time order, most recent
   * last), sorted ascending.
   */
  public static int[] recentDistinct(int[] sequence, int max) {
    int[] out = new int[Math.min(max, sequence.length)];
    int n = 0;
    for (int t = sequence.length - 1; t >= 0 && n < out.length; t--) {
      int item = sequence[t];
      boolean seen = false;
      for (int q = 0; q < n; q++) {
        if (out[q] == item) {
          seen = true;
          break;
        }
      }
      if (!seen) {
        out[n++] = item;
      }
    }
    int[] r = Arrays.copyOf(out, n);
    Arrays.sort(r);
    return r;
  }

  /**
   * Returns the most recent {@code max} distinct consecutive pairs (i → j) of {@code sequence} as
   * keys {@code i · numItems + j}, sorted ascending.
   */
  public static long[] recentTransitions(int[] sequence, int max, int numItems) {
    long[] out = new long[Math.min(max, Math.max(0, sequence.length - 1))];
    int n = 0;
    for (int t = sequence.length - 1; t >= 1 && n < out.length; t--) {
      long key = (long) sequence[t - 1] * numItems + sequence[t];
      boolean seen = false;
      for (int q = 0; q < n; q++) {
        if (out[q] == key) {
          seen = true;
          break;
        }
      }
      if (!seen) {
        out[n++] = key;
      }
    }
    long[] r = Arrays.copyOf(out, n);
    Arrays.sort(r);
    return r;
  }
}
