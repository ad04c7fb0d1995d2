package io.carousel.offline.eval;

import java.util.List;

/**
 * A next-item model under evaluation: fit on per-user item sequences, then score every item for a
 * user's history. Higher scores rank first; ties go to the lower item index.
 */
public interface Recommender {
  /** Returns the model's name in reports, e.g. {@code ease}. */
  String name();

  /**
   * Fits the model.
   *
   * @param sequences per user (the index is the user), item indices in time order
   * @param numItems catalogue size; every index is in {@code [0, numItems)}
   */
  void fit(List<int[]> sequences, int numItems);

  /**
   * Returns the scores {@code float[B][numItems]} of every item for each user after their history.
   *
   * @param users {@code int[B]} indices into the fit sequences
   * @param histories {@code B} histories, most recent item last
   */
  float[][] score(int[] users, int[][] histories);
}
