package io.carousel.engine;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable item catalogue with a dense index: item {@code i} of {@link #items()} has index
 * {@code i}, which is its row in every item matrix ({@code float[numItems][dim]}).
 */
public final class Catalog {
  private final List<Item> items;
  private final Map<String, Integer> indexById;

  /**
   * Builds a catalogue; the order of {@code items} fixes the dense index.
   *
   * @throws IllegalArgumentException if two items share an id
   */
  public Catalog(List<Item> items) {
    this.items = List.copyOf(items);
    Map<String, Integer> index = new HashMap<>(items.size() * 2);
    for (int i = 0; i < this.items.size(); i++) {
      if (index.putIfAbsent(this.items.get(i).itemId(), i) != null) {
        throw new IllegalArgumentException("duplicate item id " + this.items.get(i).itemId());
      }
    }
    this.indexById = Collections.unmodifiableMap(index);
  }

  /** Returns the items in index order. */
  public List<Item> items() {
    return items;
  }

  /** Returns the number of items. */
  public int size() {
    return items.size();
  }

  /** Returns the dense index of {@code itemId}, or -1 when the item is not in the catalogue. */
  public int indexOf(String itemId) {
    Integer i = indexById.get(itemId);
    return i == null ? -1 : i;
  }

  /** Returns the item at dense index {@code index}. */
  public Item get(int index) {
    return items.get(index);
  }
}
