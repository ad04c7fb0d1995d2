package io.carousel.user;

import io.carousel.engine.Catalog;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node-local, live view of the catalogue's business state over the model's items: which are out
 * of stock or deleted, and each item's current category. Read on every slate, written by the node's
 * {@link Catalogue} subscription; copy-on-write, so readers never lock.
 */
public final class ItemAvailability {
  /** One immutable snapshot: {@code unavailable} bits by dense item index, categories likewise. */
  public record Snapshot(BitSet unavailable, String[] categories) {
    /** Returns whether the item at {@code index} may be recommended. */
    public boolean available(int index) {
      return !unavailable.get(index);
    }
  }

  private final Catalog catalog;
  private final AtomicReference<Snapshot> current;

  /** Starts with every catalogue item available, in its catalogue category. */
  public ItemAvailability(Catalog catalog) {
    this.catalog = catalog;
    String[] categories = new String[catalog.size()];
    for (int i = 0; i < categories.length; i++) {
      categories[i] = catalog.get(i).category();
    }
    this.current = new AtomicReference<>(new Snapshot(new BitSet(catalog.size()), categories));
  }

  /** Returns the current snapshot. */
  public Snapshot snapshot() {
    return current.get();
  }

  /**
   * Applies the catalogue's state: items not in the model's catalogue are ignored here (they become
   * recommendable after the next training).
   *
   * @param items the catalogue's items by id
   */
  public void apply(Map<String, Catalogue.ItemState> items) {
    Snapshot old = current.get();
    BitSet unavailable = new BitSet(catalog.size());
    String[] categories = old.categories().clone();
    for (var e : items.entrySet()) {
      int idx = catalog.indexOf(e.getKey());
      if (idx < 0) {
        continue;
      }
      Catalogue.ItemState s = e.getValue();
      if (s.deleted() || !s.inStock()) {
        unavailable.set(idx);
      }
      if (s.category() != null && !s.category().isEmpty()) {
        categories[idx] = s.category();
      }
    }
    current.set(new Snapshot(unavailable, categories));
  }

  /** Returns an empty overlay map (all items as trained). */
  static Map<String, Catalogue.ItemState> none() {
    return new HashMap<>();
  }
}
