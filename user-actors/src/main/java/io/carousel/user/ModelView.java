package io.carousel.user;

import io.carousel.engine.Catalog;
import io.carousel.engine.LiveItems;
import io.carousel.engine.retrieval.ItemRows;
import io.carousel.policy.ContextFeatures;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The node-local, read-only view of the loaded model that every {@link UserProfile} on the node
 * shares: catalogue, item vectors, popularity prior and the bandit's context builder.
 *
 * @param modelVersion an id of the loaded SavedModel, reported with every slate
 * @param catalog the items, whose dense index is the row of {@code itemRows}
 * @param itemRows {@code numItems} rows of {@code dim}, L2-normalised item-tower outputs; on the
 *     server the scoring model's column-blocked matrix itself (the matrix is held once, rows are
 *     gathered per use: docs/scoring.md, "Memory")
 * @param popularity {@code float[numItems]}, log-scaled interaction counts in [0, 1]
 * @param features the bandit context builder x(user, item), {@link ContextFeatures#DIM} wide
 * @param projections {@code float[12]} per item, {@code features.project(itemRows.row(i))}, filled
 *     on first use ({@link #projection}); about 64 B per item once every item has been served
 * @param live items added through the API after training, dense indices from {@code catalog.size()}
 *     on, vectors from the model's text path (docs/scoring.md, "Live catalogue")
 */
public record ModelView(
    String modelVersion,
    Catalog catalog,
    ItemRows itemRows,
    float[] popularity,
    ContextFeatures features,
    AtomicReferenceArray<float[]> projections,
    LiveItems live) {

  /** A view with an empty projection cache and no live items yet, over rows held as they are. */
  public ModelView(
      String modelVersion,
      Catalog catalog,
      float[][] itemVectors,
      float[] popularity,
      ContextFeatures features) {
    this(modelVersion, catalog, ItemRows.of(itemVectors), popularity, features);
  }

  /** A view with an empty projection cache and no live items yet. */
  public ModelView(
      String modelVersion,
      Catalog catalog,
      ItemRows itemRows,
      float[] popularity,
      ContextFeatures features) {
    this(modelVersion, catalog, itemRows, popularity, features, new LiveItems(catalog.size()));
  }

  /** A view with an empty projection cache over {@code live}. */
  public ModelView(
      String modelVersion,
      Catalog catalog,
      ItemRows itemRows,
      float[] popularity,
      ContextFeatures features,
      LiveItems live) {
    this(
        modelVersion,
        catalog,
        itemRows,
        popularity,
        features,
        new AtomicReferenceArray<>(catalog.size()),
        live);
  }

  /** Returns the id of the trained or live item at dense index {@code idx}. */
  public String itemId(int idx) {
    return idx < catalog.size() ? catalog.get(idx).itemId() : live.snapshot().get(idx).itemId();
  }

  /** Returns the dense index of a trained or live item, or -1. */
  public int indexOf(String itemId) {
    int idx = catalog.indexOf(itemId);
    return idx >= 0 ? idx : live.snapshot().indexOf(itemId);
  }

  /**
   * Returns the item vector at {@code idx}, trained or from text (live); callers must not modify it
   * (it may be a fresh copy gathered from the blocked matrix, or a shared row).
   */
  public float[] vector(int idx) {
    return idx < catalog.size() ? itemRows.row(idx) : live.snapshot().get(idx).vector();
  }

  /** Returns the popularity prior at {@code idx}: 0 for a live item (no training interactions). */
  public float popularityOf(int idx) {
    return idx < catalog.size() ? popularity[idx] : 0f;
  }

  /**
   * Checks the shapes agree.
   *
   * @throws IllegalArgumentException when the catalogue, vectors and popularity differ in length
   */
  public ModelView {
    if (itemRows.numItems() != catalog.size()
        || popularity.length != catalog.size()
        || projections.length() != catalog.size()) {
      throw new IllegalArgumentException(
          "model view shapes disagree: catalog "
              + catalog.size()
              + ", itemRows "
              + itemRows.numItems()
              + ", popularity "
              + popularity.length
              + ", projections "
              + projections.length());
    }
  }

  /**
   * Returns item {@code idx}'s projected context part, {@code float[12]} ({@link
   * ContextFeatures#project}), one shared instance per item and view: callers must not modify it.
   * Every slate context and every pending slate of the node refers to this one array.
   */
  public float[] projection(int idx) {
    if (idx >= catalog.size()) {
      // A live item's vector can change (re-embedded text): computed per use, 12 dot products.
      return features.project(vector(idx));
    }
    float[] p = projections.get(idx);
    if (p == null) {
      // Two threads may both compute it; the values are equal and one instance wins.
      projections.compareAndSet(idx, null, features.project(itemRows.row(idx)));
      p = projections.get(idx);
    }
    return p;
  }

  /** Returns {@link #projection} of the item with id {@code itemId}, or null if it has none. */
  public float[] projectionOf(String itemId) {
    int idx = indexOf(itemId);
    return idx < 0 ? null : projection(idx);
  }

  /** Returns the item-vector dimension d. */
  public int dim() {
    return itemRows.numItems() == 0 ? 0 : itemRows.dim();
  }

  /**
   * Returns {@code ids} with each catalogue item id replaced by the catalogue's own String instance
   * (ids read from the journal are fresh copies; a user's state then holds references, not copies).
   */
  public java.util.List<String> canonicalIds(java.util.List<String> ids) {
    String[] out = new String[ids.size()];
    for (int j = 0; j < out.length; j++) {
      int idx = catalog.indexOf(ids.get(j));
      out[j] = idx < 0 ? ids.get(j) : catalog.get(idx).itemId();
    }
    return java.util.List.of(out);
  }

  /**
   * Log-scales raw interaction counts to [0, 1]: {@code log1p(c) / log1p(max)}.
   *
   * @param counts {@code long[numItems]} interaction counts
   * @return {@code float[numItems]}
   */
  public static float[] popularityFromCounts(long[] counts) {
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    float[] p = new float[counts.length];
    double denom = Math.log1p(max);
    for (int i = 0; i < counts.length; i++) {
      p[i] = denom == 0 ? 0f : (float) (Math.log1p(counts[i]) / denom);
    }
    return p;
  }
}
