package io.carousel.engine.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The scoring function of the shipped model, a wide-and-deep sum (Cheng et al., "Wide &amp; Deep
 * Learning for Recommender Systems", DLRS 2016, §3.3, with fixed instead of jointly trained wide
 * weights):
 *
 * <pre>
 * score(j) = logitScale · (session · item_j)                      the two towers (deep)
 *          + wKnn  · Σ_{h ∈ distinct(history)} cos(h, j)          co-occurrence (wide)
 *          + wNext · P(j | last history item)                     transition (wide)
 * </pre>
 *
 * For an item without co-visitation data (a cold item), the two wide terms are replaced by the
 * similarity-weighted average of those of its nearest warm items in item-vector space ({@link
 * ColdTransfer}), so the wide term does not push content-only items out of every slate.
 *
 * <p>The knn sum runs over the whole history passed in (as the item-knn baseline), not only the
 * last N items the session tower reads: the co-visitation lists are cheap for long histories, and
 * the baseline that the sum stands in for uses all of it.
 *
 * <p>Both wide terms are &gt;= 0 and nonzero only for the items in {@link CoVisitation#terms} and
 * the cold items that {@link ColdTransfer#extend} adds to them, so the exact top-k over all items
 * is the top-k of the union {tower top-k} ∪ {items with a wide term}, rescored: an item outside
 * both has score = tower logit &lt;= that of each of the k tower items, whose scores are at least
 * their tower logits. {@link #topN} uses this; {@link #scoreAll} is the same function over every
 * item (for evaluation), with the same float operations, so both paths agree bit for bit on every
 * scored item. Immutable and thread-safe.
 */
public final class WideAndDeep {
  private final float[][] items;
  private final float logitScale;
  private final ExactTopK retrieval;
  private final CoVisitation coVisitation;
  private final WideWeights weights;
  private final ColdTransfer coldTransfer;

  /**
   * Wraps a model's parts without copying, with {@link ColdTransfer#DEFAULT_NEIGHBOURS} warm
   * neighbours per cold item.
   *
   * @param items {@code float[numItems][dim]} L2-normalised item vectors
   * @param logitScale positive factor from cosine to logit, the tower's learned inverse temperature
   * @param coVisitation the wide statistics, or null for tower only
   * @param weights the wide weights (ignored without co-visitation)
   * @throws IllegalArgumentException if sizes disagree or the scale is not positive
   */
  public WideAndDeep(
      float[][] items, float logitScale, CoVisitation coVisitation, WideWeights weights) {
    this(items, logitScale, coVisitation, weights, ColdTransfer.DEFAULT_NEIGHBOURS);
  }

  /**
   * As {@link #WideAndDeep(float[][], float, CoVisitation, WideWeights)}, with {@code
   * coldNeighbours} (T of {@link ColdTransfer}; 0: cold items get no wide term). Builds the cold
   * transfer's reverse index, {@code O(cold · warm · dim)}.
   *
   * @throws IllegalArgumentException also if coldNeighbours &lt; 0
   */
  public WideAndDeep(
      float[][] items,
      float logitScale,
      CoVisitation coVisitation,
      WideWeights weights,
      int coldNeighbours) {
    this(items, logitScale, coVisitation, weights, transfer(items, coVisitation, coldNeighbours));
  }

  private static ColdTransfer transfer(
      float[][] items, CoVisitation coVisitation, int coldNeighbours) {
    if (coldNeighbours < 0) {
      throw new IllegalArgumentException("cold neighbours must be >= 0: " + coldNeighbours);
    }
    if (coVisitation == null || coldNeighbours == 0 || coVisitation.numItems() != items.length) {
      return ColdTransfer.none(items.length);
    }
    return ColdTransfer.build(items, coVisitation, coldNeighbours, ColdTransfer.MAX_BUILD_WORK);
  }

  private WideAndDeep(
      float[][] items,
      float logitScale,
      CoVisitation coVisitation,
      WideWeights weights,
      ColdTransfer coldTransfer) {
    if (!(logitScale > 0)) {
      throw new IllegalArgumentException("logitScale must be > 0: " + logitScale);
    }
    if (coVisitation != null && coVisitation.numItems() != items.length) {
      throw new IllegalArgumentException(
          "co-visitation has " + coVisitation.numItems() + " items, the model " + items.length);
    }
    this.items = items;
    this.logitScale = logitScale;
    this.coVisitation = coVisitation;
    this.weights = coVisitation == null ? WideWeights.NONE : weights;
    this.coldTransfer = coldTransfer;
    int dim = items.length == 0 ? 1 : items[0].length;
    this.retrieval = new ExactTopK(ExactTopK.flatten(items), dim, ExactTopK.DEFAULT_CHUNK);
  }

  /** Returns the same towers and co-visitation with other weights. */
  public WideAndDeep withWeights(WideWeights other) {
    return new WideAndDeep(items, logitScale, coVisitation, other, coldTransfer);
  }

  /** Returns the cold items' share of the wide term (empty without co-visitation). */
  public ColdTransfer coldTransfer() {
    return coldTransfer;
  }

  /**
   * Returns the wide term of {@code history}: the co-visitation terms, then the cold items' terms
   * transferred from them; the one computation both {@link #scoreAll} and {@link #topN} use.
   */
  private CoVisitation.Terms wideTerms(int[] history) {
    return coldTransfer.extend(coVisitation.terms(history, weights.knn(), weights.next()));
  }

  /** Returns the weights in use ({@link WideWeights#NONE} without co-visitation). */
  public WideWeights weights() {
    return weights;
  }

  /** Returns the wide statistics, or null when scoring is tower only. */
  public CoVisitation coVisitation() {
    return coVisitation;
  }

  /** Returns the cosine-to-logit factor. */
  public float logitScale() {
    return logitScale;
  }

  /** Returns the tower logits {@code float[numItems]} of one session vector. */
  public float[] towerLogits(float[] session) {
    float[] row = new float[items.length];
    for (int j = 0; j < items.length; j++) {
      row[j] = towerLogit(session, j);
    }
    return row;
  }

  private float towerLogit(float[] session, int j) {
    float[] v = items[j];
    float dot = 0;
    for (int d = 0; d < session.length; d++) {
      dot += session[d] * v[d];
    }
    return logitScale * dot;
  }

  /** Adds the wide term of {@code history} to {@code row} {@code float[numItems]} in place. */
  public void addWide(int[] history, float[] row) {
    if (weights.isNone()) {
      return;
    }
    CoVisitation.Terms t = wideTerms(history);
    for (int p = 0; p < t.items().length; p++) {
      row[t.items()[p]] += t.values()[p];
    }
  }

  /**
   * Returns the scores {@code float[B][numItems]} of every item (brute force).
   *
   * @param sessions {@code float[B][dim]} session vectors of the histories
   * @param histories {@code B} histories, most recent last (the whole history feeds the wide term)
   */
  public float[][] scoreAll(float[][] sessions, int[][] histories) {
    float[][] out = new float[sessions.length][];
    for (int b = 0; b < sessions.length; b++) {
      out[b] = towerLogits(sessions[b]);
      addWide(histories[b], out[b]);
    }
    return out;
  }

  /**
   * Returns each history's {@code k[b]} best items by {@link #scoreAll}'s function, best first,
   * ties to the lower index, NaN skipped, without a {@code B × numItems} matrix (the union trick of
   * the class comment). Tower only, it is {@link ExactTopK#search} unchanged.
   *
   * @param sessions {@code float[B][dim]}
   * @param histories {@code B} histories
   * @param k {@code int[B]}, each at least 0
   * @param exclude {@code B} predicates of items never to return (array or entries may be null)
   * @throws IllegalArgumentException if shapes disagree or a k is negative
   */
  public TopN[] topN(float[][] sessions, int[][] histories, int[] k, IntPredicate[] exclude) {
    TopN[] tower = retrieval.search(sessions, k, exclude, logitScale);
    if (weights.isNone()) {
      return tower;
    }
    if (histories.length != sessions.length) {
      throw new IllegalArgumentException("sessions and histories differ in length");
    }
    TopN[] out = new TopN[sessions.length];
    for (int b = 0; b < sessions.length; b++) {
      IntPredicate ex = exclude == null ? null : exclude[b];
      out[b] = rescoreUnion(sessions[b], histories[b], tower[b], k[b], ex);
    }
    return out;
  }

  private TopN rescoreUnion(
      float[] session, int[] history, TopN tower, int k, IntPredicate exclude) {
    CoVisitation.Terms wide = wideTerms(history);
    List<Integer> ids = new ArrayList<>(tower.items().length + wide.items().length);
    List<Float> scores = new ArrayList<>(ids.size());
    Set<Integer> done = new HashSet<>();
    for (int p = 0; p < wide.items().length; p++) {
      int j = wide.items()[p];
      if (exclude != null && exclude.test(j)) {
        continue;
      }
      done.add(j);
      ids.add(j);
      scores.add(towerLogit(session, j) + wide.values()[p]);
    }
    for (int j : tower.items()) {
      if (done.add(j)) {
        ids.add(j);
        scores.add(towerLogit(session, j));
      }
    }
    float[] s = new float[ids.size()];
    for (int p = 0; p < s.length; p++) {
      s[p] = scores.get(p);
    }
    // Descending score, equal scores to the lower item id: the tie rule of TopN.select.
    Integer[] order = new Integer[s.length];
    for (int p = 0; p < order.length; p++) {
      order[p] = p;
    }
    java.util.Arrays.sort(
        order,
        (a, c) -> {
          int byScore = Float.compare(s[c], s[a]);
          return byScore != 0 ? byScore : Integer.compare(ids.get(a), ids.get(c));
        });
    int n = 0;
    int[] outIds = new int[Math.min(k, order.length)];
    float[] outScores = new float[outIds.length];
    for (int p = 0; p < order.length && n < outIds.length; p++) {
      if (Float.isNaN(s[order[p]])) {
        continue;
      }
      outIds[n] = ids.get(order[p]);
      outScores[n++] = s[order[p]];
    }
    return new TopN(java.util.Arrays.copyOf(outIds, n), java.util.Arrays.copyOf(outScores, n));
  }
}
