package io.carousel.user;

import io.carousel.engine.Catalog;
import java.util.BitSet;
import java.util.Collection;
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
  private final String[] modelCategories;
  private final AtomicReference<Snapshot> current;
  private volatile java.util.function.Consumer<java.util.List<Catalogue.Availability>> live =
      items -> {};

  /** Starts with every catalogue item available, in its catalogue category. */
  public ItemAvailability(Catalog catalog) {
    this.catalog = catalog;
    this.modelCategories = new String[catalog.size()];
    for (int i = 0; i < modelCategories.length; i++) {
      modelCategories[i] = catalog.get(i).category();
    }
    this.current =
        new AtomicReference<>(new Snapshot(new BitSet(catalog.size()), modelCategories.clone()));
  }

  /**
   * Sets who gets the availability of items not in the model's catalogue (the node's live
   * catalogue, which embeds them from text); called on the {@link CatalogueView}'s thread with
   * every delta and every full re-read.
   */
  public void onItemsOutsideModel(
      java.util.function.Consumer<java.util.List<Catalogue.Availability>> listener) {
    this.live = listener;
  }

  /** Returns the current snapshot. */
  public Snapshot snapshot() {
    return current.get();
  }

  /**
   * Applies a change of some items on top of the current snapshot; items not mentioned keep their
   * state. Items not in the model's catalogue go to the {@link #onItemsOutsideModel} listener.
   * Called by one writer (the node's {@link CatalogueView}).
   */
  public void applyDelta(Collection<Catalogue.Availability> items) {
    Snapshot old = current.get();
    BitSet unavailable = (BitSet) old.unavailable().clone();
    String[] categories = old.categories().clone();
    java.util.List<Catalogue.Availability> outside = new java.util.ArrayList<>();
    for (Catalogue.Availability a : items) {
      if (!set(a, unavailable, categories)) {
        outside.add(a);
      }
    }
    current.set(new Snapshot(unavailable, categories));
    if (!outside.isEmpty()) {
      live.accept(outside);
    }
  }

  /**
   * Replaces the overlay with the catalogue's full availability: an item not in {@code items} is
   * available in its model category.
   */
  public void replace(Collection<Catalogue.Availability> items) {
    BitSet unavailable = new BitSet(catalog.size());
    String[] categories = modelCategories.clone();
    java.util.List<Catalogue.Availability> outside = new java.util.ArrayList<>();
    for (Catalogue.Availability a : items) {
      if (!set(a, unavailable, categories)) {
        outside.add(a);
      }
    }
    current.set(new Snapshot(unavailable, categories));
    if (!outside.isEmpty()) {
      live.accept(outside);
    }
  }

  private boolean set(Catalogue.Availability a, BitSet unavailable, String[] categories) {
    int idx = catalog.indexOf(a.itemId());
    if (idx < 0) {
      return false;
    }
    unavailable.set(idx, !a.available());
    categories[idx] =
        a.category() != null && !a.category().isEmpty() ? a.category() : modelCategories[idx];
    return true;
  }
}
