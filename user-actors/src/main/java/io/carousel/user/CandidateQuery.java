package io.carousel.user;

import io.carousel.engine.Catalog;
import io.carousel.engine.ScoringModel;
import io.carousel.engine.retrieval.TopN;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What one slate asks of candidate retrieval, built from the user's state and the serve-time
 * business rules: the history the session tower reads (the user's recent catalogue items, plus the
 * item the shopper is looking at when the request names one), and the items no slate may contain
 * (out of stock or deleted, recently seen, purchased within the window, excluded by the request).
 *
 * @param history catalogue indices, most recent last
 * @param excluded catalogue indices that must not be recommended
 */
record CandidateQuery(int[] history, BitSet excluded) {

  /**
   * Builds the query.
   *
   * @param exclude item ids the request excludes
   * @param context the item the shopper is looking at, or null; unknown ids are ignored
   */
  static CandidateQuery of(
      UserState state, List<String> exclude, String context, ProfileDependencies deps) {
    Catalog catalog = deps.model().catalog();
    UserProfileSettings settings = deps.settings();
    BitSet excluded = (BitSet) deps.availability().snapshot().unavailable().clone();
    List<String> recent = state.recentItems();
    int[] history = new int[recent.size() + 1];
    int h = 0;
    for (String id : recent) {
      int idx = catalog.indexOf(id);
      if (idx >= 0) {
        history[h++] = idx;
        if (settings.excludeSeen()) {
          excluded.set(idx);
        }
      } else if (settings.excludeSeen()) {
        // A live item: not readable by the session tower (no trained id), but seen all the same.
        int live = deps.model().indexOf(id);
        if (live >= 0) {
          excluded.set(live);
        }
      }
    }
    long since = state.lastEventTimeMs() - settings.purchaseWindow().toMillis();
    for (UserState.Purchase p : state.purchases()) {
      int idx = deps.model().indexOf(p.itemId());
      if (idx >= 0 && p.timeMs() >= since) {
        excluded.set(idx);
      }
    }
    for (String id : exclude) {
      int idx = deps.model().indexOf(id);
      if (idx >= 0) {
        excluded.set(idx);
      }
    }
    int ctx = context == null ? -1 : catalog.indexOf(context);
    if (ctx >= 0) {
      history[h++] = ctx;
      excluded.set(ctx);
    }
    return new CandidateQuery(Arrays.copyOf(history, h), excluded);
  }

  /** Returns whether there is nothing to personalise from (a new shopper without context). */
  boolean coldStart() {
    return history.length == 0;
  }

  /**
   * The cold-start candidates: the {@code topN} most popular available items, scored by their
   * popularity in [0, 1] (the model's score feature then carries popularity).
   */
  ScoringModel.Scores popular(float[] popularity, int topN) {
    TopN top = TopN.select(popularity, topN, excluded::get);
    return new ScoringModel.Scores(top.items(), top.scores());
  }
}
