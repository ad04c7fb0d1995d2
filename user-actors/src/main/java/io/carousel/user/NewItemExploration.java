package io.carousel.user;

import io.carousel.engine.LiveItems;
import io.carousel.policy.BernoulliThompsonSlatePolicy;
import io.carousel.policy.BetaArms;
import io.carousel.policy.Slate;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Exploration of new arms: items known from their text only (live items, added through the API
 * after training) get impressions through a bandit before any retrain, with the propensity of that
 * choice logged in {@code SlateServed} so that off-policy evaluation stays correct.
 *
 * <p>One slot, the last, of a slate of k is an <em>exploration slot</em> with probability {@code q
 * = min(1, share · k)}, where {@code share} is {@code carousel.live-items.exploration-share}: new
 * items then take at most {@code share} of all impressions (exactly {@code share} while there are
 * new items to explore and k ≥ 1/share; {@code q/k < share} below) and never more than one slot of
 * a slate. The arms of the slot are the {@code arms} live items most similar to the user's session
 * (cosine of the session embedding with the item's text vector; the newest first for a user without
 * one) that are available, not excluded for the user and not already among the model's candidates —
 * those reach the slate through the policy itself, so each item has exactly one way into the
 * exploration position and the mixed propensity stays exact. One arm is chosen by Bernoulli
 * Thompson sampling over this node's impressions and interactions of each new item, from Beta(1 +
 * interactions, 1 + impressions − interactions) (Chapelle &amp; Li 2011, Algorithm 2).
 *
 * <p>Logged propensity of the slot: {@code q · P_TS(arm)}, where {@code P_TS} is exactly 1/n when
 * the n arms are exchangeable (equal statistics, e.g. all untried) and otherwise the Monte Carlo
 * estimate of {@link BernoulliThompsonSlatePolicy} over {@value #DRAWS} draws (standard error at
 * most 0.022). When the slot does not explore, the policy's own item in that position is logged
 * with its propensity times {@code 1 − q}.
 *
 * <p>Thread-safe: statistics are per item in a concurrent map, updated after a slate is served
 * (impressions) and after an interaction with a new item is persisted; in a cluster each node
 * counts what its users saw and did, like the pooled prior (docs/decisions/0006).
 */
public final class NewItemExploration {
  /** Monte Carlo draws for the propensity of a Thompson choice among unequal arms. */
  static final int DRAWS = 500;

  /** One exploration: the live item's dense index and the probability of choosing it. */
  record Choice(int item, double propensity) {}

  private final double share;
  private final int arms;
  // itemId -> {impressions, interactions}
  private final Map<String, long[]> stats = new ConcurrentHashMap<>();

  /**
   * @param share most share of impressions for new items, in [0, 1]; 0 = off
   * @param arms most new items one exploration slot chooses among, >= 1
   */
  public NewItemExploration(double share, int arms) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException(
          "carousel.live-items.exploration-share must be in [0, 1], got " + share);
    }
    if (arms < 1) {
      throw new IllegalArgumentException(
          "carousel.live-items.exploration-arms must be >= 1, got " + arms);
    }
    this.share = share;
    this.arms = arms;
  }

  /** Exploration off. */
  public static NewItemExploration off() {
    return new NewItemExploration(0, 1);
  }

  /** Returns the configured share. */
  public double share() {
    return share;
  }

  /** Returns q, the probability that a slate of {@code k} has an exploration slot. */
  double probability(int k) {
    return k <= 0 ? 0 : Math.min(1.0, share * k);
  }

  /**
   * Returns the dense indices of the arms for one slate (possibly none): available live items not
   * in {@code excluded} nor {@code candidates}, the {@link #arms} most similar to {@code session}.
   */
  int[] arms(LiveItems.Snapshot live, BitSet excluded, int[] candidates, float[] session) {
    if (share <= 0 || live.size() == 0) {
      return new int[0];
    }
    BitSet skip = new BitSet();
    for (int c : candidates) {
      if (c >= live.base()) {
        skip.set(c - live.base());
      }
    }
    int n = live.size();
    int[] idx = new int[n];
    double[] score = new double[n];
    int m = 0;
    for (int j = 0; j < n; j++) {
      int dense = live.base() + j;
      if (!live.available(dense) || skip.get(j) || (excluded != null && excluded.get(dense))) {
        continue;
      }
      float[] v = live.entries().get(j).vector();
      double s = j; // no session: the newest first
      if (session != null && session.length == v.length) {
        s = 0;
        for (int d = 0; d < v.length; d++) {
          s += (double) session[d] * v[d];
        }
      }
      idx[m] = dense;
      score[m++] = s;
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
    int keep = Math.min(arms, m);
    int[] out = new int[keep];
    for (int i = 0; i < keep; i++) {
      out[i] = idx[order[i]];
    }
    return out;
  }

  /**
   * Chooses one of {@code armIdx} (non-empty) by Thompson sampling over the node's statistics; the
   * propensity is {@code P_TS(choice)}, not yet multiplied by q.
   */
  Choice choose(int[] armIdx, java.util.function.IntFunction<String> idOf, RandomGenerator rng) {
    int n = armIdx.length;
    double[] alpha = new double[n];
    double[] beta = new double[n];
    boolean exchangeable = true;
    for (int a = 0; a < n; a++) {
      long[] s = stats.get(idOf.apply(armIdx[a]));
      long shown = s == null ? 0 : s[0];
      long used = s == null ? 0 : Math.min(s[1], shown);
      alpha[a] = 1 + used;
      beta[a] = 1 + shown - used;
      exchangeable &= alpha[a] == alpha[0] && beta[a] == beta[0];
    }
    Slate slate =
        new BernoulliThompsonSlatePolicy(exchangeable ? 1 : DRAWS)
            .choose(new BetaArms(alpha, beta), 1, rng);
    int c = slate.chosen()[0];
    return new Choice(armIdx[c], exchangeable ? 1.0 / n : slate.propensities()[0]);
  }

  /** Counts one impression of the new item {@code itemId}. */
  void impression(String itemId) {
    stats.compute(
        itemId,
        (k, s) -> {
          long[] next = s == null ? new long[2] : s.clone();
          next[0]++;
          return next;
        });
  }

  /** Counts one interaction with a new item this node has shown (ignored otherwise). */
  void interaction(String itemId) {
    stats.computeIfPresent(
        itemId,
        (k, s) -> {
          long[] next = s.clone();
          next[1] = Math.min(next[0], next[1] + 1);
          return next;
        });
  }

  /** Returns {impressions, interactions} per new item shown on this node (a copy). */
  public Map<String, long[]> statistics() {
    Map<String, long[]> out = new LinkedHashMap<>();
    stats.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }

  /** Replaces the statistics (a restored node-state snapshot). */
  public void restore(Map<String, long[]> saved) {
    stats.clear();
    saved.forEach((k, v) -> stats.put(k, new long[] {v[0], Math.min(v[0], v[1])}));
  }
}
