package io.carousel.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last slate served to each user on this node, least recently used evicted beyond a fixed
 * number of users. It answers {@code GET /v1/users/{id}/recommendations} when the user actor cannot
 * (the journal is down, so no new {@code SlateServed} can be logged): the shopper sees the slate
 * they already saw, marked {@code trigger = "cached"}, instead of an error. Thread-safe.
 */
final class SlateCache {
  /** The {@code trigger} of a slate answered from this cache. */
  static final String CACHED = "cached";

  private final Map<String, SlateResponse> slates;

  /** Creates a cache of at most {@code capacity} users; 0 keeps nothing. */
  SlateCache(int capacity) {
    this.slates =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, SlateResponse> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Remembers {@code slate} as the last one served to {@code userId}. */
  synchronized void put(String userId, SlateResponse slate) {
    slates.put(userId, slate);
  }

  /**
   * Returns the last slate of {@code userId} without the {@code exclude}d items, at most {@code k}
   * of them, marked as cached; empty when there is none.
   */
  synchronized Optional<SlateResponse> get(String userId, int k, List<String> exclude) {
    SlateResponse s = slates.get(userId);
    if (s == null) {
      return Optional.empty();
    }
    List<SlateResponse.Item> items =
        s.items().stream().filter(i -> !exclude.contains(i.itemId())).limit(k).toList();
    return Optional.of(
        new SlateResponse(
            s.userId(), s.slateId(), items, s.policy(), s.modelVersion(), s.servedAt(), CACHED));
  }
}
