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

  /** Set by {@link #rebase}: every later change goes there instead (a hot swap, ADR 0014). */
  private ItemAvailability next;

  /** Instances over other catalogues (challengers) that get every change too; kept by rebase. */
  private java.util.List<ItemAvailability> followers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

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
  public synchronized void applyDelta(Collection<Catalogue.Availability> items) {
    if (next != null) {
      next.applyDelta(items);
      return;
    }
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
    for (ItemAvailability f : followers) {
      f.applyDelta(items);
    }
  }

  /**
   * Replaces the overlay with the catalogue's full availability: an item not in {@code items} is
   * available in its model category.
   */
  public synchronized void replace(Collection<Catalogue.Availability> items) {
    if (next != null) {
      next.replace(items);
      return;
    }
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
    for (ItemAvailability f : followers) {
      f.replace(items);
    }
  }

  /**
   * Returns an availability over {@code otherCatalog} (a challenger's) with this one's state
   * carried by item id, that gets every later change too until {@link #unfollow}; items outside its
   * catalogue are ignored there.
   */
  public synchronized ItemAvailability follower(Catalog otherCatalog) {
    if (next != null) {
      return next.follower(otherCatalog);
    }
    ItemAvailability f = mapped(otherCatalog, java.util.List.of());
    followers.add(f);
    return f;
  }

  /** Stops sending changes to {@code follower}. */
  public void unfollow(ItemAvailability follower) {
    followers.remove(follower);
  }

  /**
   * Returns the availability over {@code nextCatalog} (a model swapped in), with this one's state
   * carried over by item id, and forwards every later change there: the node's {@link
   * CatalogueView} keeps writing to the first instance, and slates still scoring with the previous
   * model keep reading this one's last state (stale by at most the swap, never mis-indexed).
   *
   * @param outside who gets the availability of items outside {@code nextCatalog}
   * @param unavailableIds items known unavailable outside this catalogue (the previous model's live
   *     items deleted or out of stock) that {@code nextCatalog} has
   */
  public synchronized ItemAvailability rebase(
      Catalog nextCatalog,
      java.util.function.Consumer<java.util.List<Catalogue.Availability>> outside,
      Collection<String> unavailableIds) {
    if (next != null) {
      return next.rebase(nextCatalog, outside, unavailableIds);
    }
    ItemAvailability n = mapped(nextCatalog, unavailableIds);
    n.live = outside;
    n.followers = followers;
    next = n;
    return n;
  }

  /** A new instance over {@code nextCatalog} with this one's state carried by item id. */
  private ItemAvailability mapped(Catalog nextCatalog, Collection<String> unavailableIds) {
    ItemAvailability n = new ItemAvailability(nextCatalog);
    Snapshot snap = current.get();
    BitSet unavailable = new BitSet(nextCatalog.size());
    String[] categories = n.modelCategories.clone();
    for (int i = 0; i < modelCategories.length; i++) {
      boolean gone = snap.unavailable().get(i);
      boolean moved = !java.util.Objects.equals(snap.categories()[i], modelCategories[i]);
      if (gone || moved) {
        int j = nextCatalog.indexOf(catalog.get(i).itemId());
        if (j >= 0) {
          unavailable.set(j, gone);
          if (moved) {
            categories[j] = snap.categories()[i];
          }
        }
      }
    }
    for (String id : unavailableIds) {
      int j = nextCatalog.indexOf(id);
      if (j >= 0) {
        unavailable.set(j);
      }
    }
    n.current.set(new Snapshot(unavailable, categories));
    return n;
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
