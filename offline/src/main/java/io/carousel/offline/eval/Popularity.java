package io.carousel.offline.eval;

import java.util.List;

/**
 * Most-popular baseline: every item scores its number of fit interactions, the same for every user
 * (ties go to the lower item index, as in the reference protocol of movielens-100k's PROVENANCE).
 */
public final class Popularity implements Recommender {
  private float[] counts = new float[0];

  @Override
  public String name() {
    return "popularity";
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    counts = counts(sequences, numItems);
  }

  /** Returns the interaction count per item {@code float[numItems]} of {@code sequences}. */
  static float[] counts(List<int[]> sequences, int numItems) {
    float[] c = new float[numItems];
    for (int[] s : sequences) {
      for (int i : s) {
        c[i]++;
      }
    }
    return c;
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][];
    for (int b = 0; b < users.length; b++) {
      out[b] = counts.clone();
    }
    return out;
  }
}
