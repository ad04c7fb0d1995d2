package io.carousel.http.slates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last slate served to each user on this node, least recently used evicted beyond a fixed
 * number of users. It answers {@code GET /v1/users/{id}/recommendations} when the user actor cannot
 * (the journal is down, so no new {@code SlateServed} can be logged): the shopper sees the slate
 * they already saw, marked {@code trigger = "cached"}, instead of an error. Thread-safe.
 *
 * <p>Forgetting: {@link #forget} drops the user's slate and remembers when (a tombstone, as many as
 * slates, LRU); a slate whose request started before that moment is never stored again, so a GET
 * still in flight during a {@code DELETE} cannot put the forgotten user's slate back.
 */
public final class SlateCache {
  /** The {@code trigger} of a slate answered from this cache. */
  public static final String CACHED = "cached";

  private final Map<String, SlateResponse> slates;
  private final Map<String, Long> forgottenAtNanos;

  /** Creates a cache of at most {@code capacity} users; 0 keeps nothing. */
  SlateCache(int capacity) {
    this.slates = lru(capacity);
    this.forgottenAtNanos = lru(capacity);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * Remembers {@code slate} as the last one served to {@code userId}, unless the user was forgotten
   * after {@code requestStartNanos} (a {@link System#nanoTime()} taken when the request arrived).
   */
  synchronized void put(String userId, SlateResponse slate, long requestStartNanos) {
    Long forgotten = forgottenAtNanos.get(userId);
    if (forgotten != null && requestStartNanos - forgotten <= 0) {
      return;
    }
    slates.put(userId, slate);
  }

  /** Drops the user's slate; slates of requests that started before now are not stored again. */
  synchronized void forget(String userId) {
    slates.remove(userId);
    forgottenAtNanos.put(userId, System.nanoTime());
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
