package io.carousel.engine.retrieval;

import java.util.function.IntPredicate;

/**
 * Maximum-inner-product top-k over the item matrix, the one copy of it a model holds: exact ({@link
 * ExactTopK}, the default) or an inverted-file index that scans only the lists nearest each query
 * ({@link IvfTopK}). Both rank by {@code scale · (query · item)}, best first, ties to the lower
 * item index, NaN skipped, and give the captured items' scores bit for bit as {@link
 * ExactTopK#scoreAll} would.
 */
public interface Retrieval extends ItemRows {
  /**
   * Returns, for each query, its {@code k[b]} best items; records the scores of {@code capture[b]}
   * into {@code captured[b]} (see {@link ExactTopK#search(float[][], int[], IntPredicate[], float,
   * int[][], float[][])} for the contract).
   */
  TopN[] search(
      float[][] queries,
      int[] k,
      IntPredicate[] exclude,
      float scale,
      int[][] capture,
      float[][] captured);

  /**
   * {@link #search(float[][], int[], IntPredicate[], float, int[][], float[][])} capturing none.
   */
  default TopN[] search(float[][] queries, int[] k, IntPredicate[] exclude, float scale) {
    return search(queries, k, exclude, scale, null, null);
  }

  /**
   * Returns {@code scale · (query · item)} of every item, {@code float[numItems]}, bit for bit the
   * scores {@link #search} gives (for evaluation, which wants every score).
   */
  float[] scoreAll(float[] query, float scale);

  /** Returns the bytes the item matrix takes in this index (with its padding). */
  long matrixBytes();

  /** Returns what it is, for logs and {@code /v1/stats}: "exact" or "ivf(lists=…, probe=…)". */
  String describe();
}
