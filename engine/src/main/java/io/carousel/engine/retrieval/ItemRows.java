package io.carousel.engine.retrieval;

/**
 * Read access to an item matrix by row, whatever its layout: the serving matrix is held once, in
 * {@link ExactTopK}'s column-blocked layout, and the few rows a request reads (slot features, the
 * reason of a slot, a history item) are gathered from it (docs/scoring.md, "Memory").
 */
public interface ItemRows {
  /** Returns N, the number of rows. */
  int numItems();

  /** Returns the row width. */
  int dim();

  /**
   * Returns row {@code i}, {@code float[dim]}: a new array or one shared by every caller, never to
   * be modified.
   */
  float[] row(int i);

  /** Rows of {@code rows}, held without copying (the caller must not change them). */
  static ItemRows of(float[][] rows) {
    int dim = rows.length == 0 ? 0 : rows[0].length;
    return new ItemRows() {
      @Override
      public int numItems() {
        return rows.length;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public float[] row(int i) {
        return rows[i];
      }
    };
  }
}
