package io.carousel.offline.data;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects interactions and item descriptions from one or more files, then builds a {@link
 * Dataset}: interactions sorted by (time, user, item), catalogue of every item that occurs in them
 * or is listed in a shop's catalogue file ({@link #list}), ordered by {@link IdOrder#NATURAL}.
 */
final class LogBuilder {
  static final Comparator<Interaction> TIME_USER_ITEM =
      Comparator.comparingLong(Interaction::timestampMs)
          .thenComparing(Interaction::userId, IdOrder.NATURAL)
          .thenComparing(Interaction::itemId, IdOrder.NATURAL);

  private final boolean dedupeUserItem;
  // Keyed by "user\u0000item" when deduplicating, by "user\u0000item\u0000time" otherwise.
  private final Map<String, Interaction> interactions = new LinkedHashMap<>();
  private final Map<String, Item> itemsById = new HashMap<>();
  private final Set<String> listed = new HashSet<>();

  /**
   * @param dedupeUserItem keep only the earliest interaction of each (user, item) pair; otherwise
   *     only exact repeats (same user, item and time) are dropped
   */
  LogBuilder(boolean dedupeUserItem) {
    this.dedupeUserItem = dedupeUserItem;
  }

  /** Adds one interaction, applying the deduplication rule. */
  void add(Interaction interaction) {
    String key = interaction.userId() + '\u0000' + interaction.itemId();
    if (!dedupeUserItem) {
      key = key + '\u0000' + interaction.timestampMs();
    }
    // The earliest wins; at the same time the heavier (a purchase over a context-only wishlist
    // row logged at the same instant), so a repeat never hides a target.
    interactions.merge(
        key,
        interaction,
        (old, neu) ->
            neu.timestampMs() < old.timestampMs()
                    || (neu.timestampMs() == old.timestampMs() && neu.weight() > old.weight())
                ? neu
                : old);
  }

  /** Describes an item; the first description of an id wins (meta files repeat asins). */
  void describe(Item item) {
    itemsById.putIfAbsent(item.itemId(), item);
  }

  /**
   * Lists an item of the shop's catalogue file: described as by {@link #describe}, and in the
   * catalogue even without events ({@link Dataset#listed()}).
   */
  void list(Item item) {
    describe(item);
    listed.add(item.itemId());
  }

  /** Returns true when {@code itemId} already has a description. */
  boolean isDescribed(String itemId) {
    return itemsById.containsKey(itemId);
  }

  /**
   * Builds the dataset; items that occur without a description get text "" and category ""; listed
   * items without events are in the catalogue too.
   */
  Dataset build(String name) {
    List<Interaction> sorted = new ArrayList<>(interactions.values());
    sorted.sort(TIME_USER_ITEM);
    List<String> ids =
        java.util.stream.Stream.concat(sorted.stream().map(Interaction::itemId), listed.stream())
            .distinct()
            .sorted(IdOrder.NATURAL)
            .toList();
    List<Item> items = new ArrayList<>(ids.size());
    for (String id : ids) {
      items.add(itemsById.getOrDefault(id, new Item(id, "", "")));
    }
    return new Dataset(name, new Catalog(items), List.copyOf(sorted), listed);
  }
}
