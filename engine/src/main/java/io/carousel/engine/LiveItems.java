package io.carousel.engine;

import io.carousel.engine.retrieval.TopN;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

/**
 * Items added through the API after the model was trained, with item vectors from the serving
 * model's text path: an append-only extension of the model's item matrix. Live item {@code j} has
 * the dense index {@code base + j}, after the {@code base} trained items, so every slate can carry
 * it like a trained one. Writers (one node-local embedder) publish a whole new {@link Snapshot};
 * readers (every slate) read one without locking. A put copies the live part (O(live items)), never
 * the trained matrix.
 */
public final class LiveItems {
  /**
   * One live item.
   *
   * @param vector L2-normalised item vector {@code float[dim]} from text alone
   * @param textHash hash of the text the vector was computed from (re-embedded when it changes)
   * @param title the item's title as embedded (listed by {@code GET /v1/items}), may be null
   */
  public record Entry(String itemId, float[] vector, String category, int textHash, String title) {
    /** An entry without title. */
    public Entry(String itemId, float[] vector, String category, int textHash) {
      this(itemId, vector, category, textHash, null);
    }
  }

  /** One immutable state: entries by live index, ids, and the removed ones (deleted, no stock). */
  public record Snapshot(
      int base, List<Entry> entries, Map<String, Integer> index, BitSet removed) {
    /** Returns the number of live items. */
    public int size() {
      return entries.size();
    }

    /** Returns the dense index of {@code itemId}, or -1 when it is not live. */
    public int indexOf(String itemId) {
      Integer j = index.get(itemId);
      return j == null ? -1 : base + j;
    }

    /** Returns the entry at dense index {@code idx} ({@code >= base}). */
    public Entry get(int idx) {
      return entries.get(idx - base);
    }

    /** Returns whether the item at dense index {@code idx} may be recommended. */
    public boolean available(int idx) {
      return idx >= base && idx - base < entries.size() && !removed.get(idx - base);
    }
  }

  private final AtomicReference<Snapshot> current;

  /** Starts empty after {@code base} trained items. */
  public LiveItems(int base) {
    current = new AtomicReference<>(new Snapshot(base, List.of(), Map.of(), new BitSet()));
  }

  /** Returns the current state. */
  public Snapshot snapshot() {
    return current.get();
  }

  /**
   * Adds new items at the end and replaces the vector of known ones (their text changed); every
   * item put is available.
   */
  public synchronized void put(List<Entry> items) {
    Snapshot old = current.get();
    List<Entry> entries = new ArrayList<>(old.entries());
    Map<String, Integer> index = new HashMap<>(old.index());
    BitSet removed = (BitSet) old.removed().clone();
    for (Entry e : items) {
      Integer j = index.get(e.itemId());
      if (j == null) {
        index.put(e.itemId(), entries.size());
        entries.add(e);
      } else {
        entries.set(j, e);
        removed.clear(j);
      }
    }
    current.set(new Snapshot(old.base(), List.copyOf(entries), Map.copyOf(index), removed));
  }

  /**
   * Marks a live item available or not (deleted, out of stock) and sets its category; unknown ids
   * are ignored (they are embedded first).
   */
  public synchronized void setAvailable(String itemId, boolean available, String category) {
    Snapshot old = current.get();
    Integer j = old.index().get(itemId);
    if (j == null) {
      return;
    }
    BitSet removed = (BitSet) old.removed().clone();
    removed.set(j, !available);
    List<Entry> entries = old.entries();
    Entry e = entries.get(j);
    if (category != null && !category.equals(e.category())) {
      List<Entry> next = new ArrayList<>(entries);
      next.set(j, new Entry(itemId, e.vector(), category, e.textHash(), e.title()));
      entries = List.copyOf(next);
    }
    current.set(new Snapshot(old.base(), entries, old.index(), removed));
  }

  /**
   * Merges the live items into one retrieval answer: each available, not excluded live item scores
   * {@code logitScale · cos(session, vector)} — the tower logit with no wide term, as a trained
   * item without co-visitations — and the best {@code k} of both sets are kept (ties by index).
   *
   * @param trained the answer over the trained items
   * @param session the L2-normalised session vector the answer was scored with
   */
  public static TopN merge(
      TopN trained, float[] session, float logitScale, int k, IntPredicate exclude, Snapshot s) {
    if (s.size() == 0) {
      return trained;
    }
    int n = trained.items().length;
    int[] items = java.util.Arrays.copyOf(trained.items(), n + s.size());
    float[] scores = java.util.Arrays.copyOf(trained.scores(), n + s.size());
    int m = n;
    for (int j = 0; j < s.size(); j++) {
      int idx = s.base() + j;
      if (s.removed().get(j) || (exclude != null && exclude.test(idx))) {
        continue;
      }
      float[] v = s.entries().get(j).vector();
      double dot = 0;
      for (int d = 0; d < v.length && d < session.length; d++) {
        dot += (double) session[d] * v[d];
      }
      items[m] = idx;
      scores[m++] = (float) (logitScale * dot);
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) ->
            scores[a] != scores[b]
                ? Float.compare(scores[b], scores[a])
                : Integer.compare(items[a], items[b]));
    int keep = Math.min(k, m);
    int[] outItems = new int[keep];
    float[] outScores = new float[keep];
    for (int i = 0; i < keep; i++) {
      outItems[i] = items[order[i]];
      outScores[i] = scores[order[i]];
    }
    return new TopN(outItems, outScores);
  }
}
