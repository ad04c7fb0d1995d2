package io.carousel.offline.demo;

import io.carousel.engine.Catalog;
import io.carousel.offline.data.Interaction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The popularity baseline measured next to Carousel in the same replay: the k most interacted-with
 * items so far (training counts, then updated online by every replayed event), excluding the ones
 * the shopper already interacted with. Thread-safe (synchronized; it is not the system under test).
 */
final class PopularityBaseline {
  private final Catalog catalog;
  private final long[] counts;
  private final Map<String, Set<Integer>> seen = new HashMap<>();

  /** Starts from the training split's counts and histories. */
  PopularityBaseline(Catalog catalog, List<Interaction> train) {
    this.catalog = catalog;
    this.counts = new long[catalog.size()];
    for (Interaction i : train) {
      observe(i);
    }
  }

  /** Returns whether the baseline's top-k for the user contains {@code itemId}. */
  synchronized boolean hit(String userId, String itemId, int k) {
    Set<Integer> mine = seen.getOrDefault(userId, Set.of());
    int target = catalog.indexOf(itemId);
    if (target < 0 || mine.contains(target)) {
      return false;
    }
    // target is in the top-k iff fewer than k eligible items rank above it (ties by lower index).
    long c = counts[target];
    int above = 0;
    for (int i = 0; i < counts.length && above < k; i++) {
      if (i != target && !mine.contains(i) && (counts[i] > c || (counts[i] == c && i < target))) {
        above++;
      }
    }
    return above < k;
  }

  /** Counts one interaction. */
  synchronized void observe(Interaction i) {
    int idx = catalog.indexOf(i.itemId());
    if (idx >= 0) {
      // A context-only event (--types fav=0) joins the history but not the popularity.
      counts[idx] += i.isTarget() ? 1 : 0;
      seen.computeIfAbsent(i.userId(), u -> new HashSet<>()).add(idx);
    }
  }
}
