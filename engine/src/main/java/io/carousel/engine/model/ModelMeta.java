package io.carousel.engine.model;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import java.util.ArrayList;
import java.util.List;

/**
 * What a trained model folder needs besides the SavedModel to be served on its own: the catalogue
 * in index order and the training popularity. Stored as {@value ModelFolder#META} ({@link
 * ModelFolder#writeMeta}, {@link ModelFolder#meta}).
 *
 * @param dataset the dataset it was trained on
 * @param trainInteractions interactions in the training split
 * @param items {@code [numItems]} the catalogue in dense-index order
 * @param trainCounts {@code long[numItems]} training interactions per item
 */
public record ModelMeta(
    String dataset, int trainInteractions, List<Item> items, long[] trainCounts) {

  /** Returns the catalogue this model scores. */
  public Catalog catalog() {
    return new Catalog(new ArrayList<>(items));
  }

  /** Items as a fresh list (Jackson-friendly copy). */
  public List<Item> items() {
    return List.copyOf(items);
  }
}
