package io.carousel.engine.wide;

import io.carousel.engine.retrieval.ExactTopK;
import io.carousel.engine.retrieval.ItemRows;
import io.carousel.engine.retrieval.Retrieval;
import io.carousel.engine.retrieval.TopN;
import java.util.Arrays;
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
  // The item matrix is held once, column-blocked in the retrieval index: the tower logits of the
  // rescored items come from the same scan ({@link ExactTopK#search} with capture), not from rows.
  private final int numItems;
  private final float logitScale;
  private final Retrieval retrieval;
  private final CoVisitation coVisitation;
  private final WideWeights weights;
  private final ColdTransfer coldTransfer;

  /**
   * Wraps a model's parts without copying, with {@link ColdTransfer#DEFAULT_NEIGHBOURS} warm
   * neighbours per cold item.
   *
   * @param items {@code float[numItems][dim]} L2-normalised item vectors
   * @param logitScale positive factor from cosine to logit, the tower's learned inverse temperature
   * @param coVisitation the wide statistics, or null for tower only; it may cover only the first
   *     {@code coVisitation.numItems()} items (the trained ones), the rest get no wide term
   * @param weights the wide weights (ignored without co-visitation)
   * @throws IllegalArgumentException if the co-visitation has more items than {@code items} or the
   *     scale is not positive
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
    this(
        ExactTopK.of(items, ExactTopK.DEFAULT_CHUNK),
        logitScale,
        coVisitation,
        weights,
        transfer(items, coVisitation, coldNeighbours));
  }

  private static ColdTransfer transfer(
      float[][] items, CoVisitation coVisitation, int coldNeighbours) {
    if (coldNeighbours < 0) {
      throw new IllegalArgumentException("cold neighbours must be >= 0: " + coldNeighbours);
    }
    if (coVisitation == null || coldNeighbours == 0 || coVisitation.numItems() > items.length) {
      return ColdTransfer.none(items.length);
    }
    // Items past the co-visitation's (a synthetic catalogue extension) have no wide term at all:
    // the transfer is built over the trained prefix only.
    float[][] trained =
        coVisitation.numItems() == items.length
            ? items
            : Arrays.copyOf(items, coVisitation.numItems());
    return ColdTransfer.build(trained, coVisitation, coldNeighbours, ColdTransfer.MAX_BUILD_WORK);
  }

  private WideAndDeep(
      Retrieval retrieval,
      float logitScale,
      CoVisitation coVisitation,
      WideWeights weights,
      ColdTransfer coldTransfer) {
    if (!(logitScale > 0)) {
      throw new IllegalArgumentException("logitScale must be > 0: " + logitScale);
    }
    if (coVisitation != null && coVisitation.numItems() > retrieval.numItems()) {
      throw new IllegalArgumentException(
          "co-visitation has "
              + coVisitation.numItems()
              + " items, the model "
              + retrieval.numItems());
    }
    this.numItems = retrieval.numItems();
    this.logitScale = logitScale;
    this.coVisitation = coVisitation;
    this.weights = coVisitation == null ? WideWeights.NONE : weights;
    this.coldTransfer = coldTransfer;
    this.retrieval = retrieval;
  }

  /**
   * Returns the same towers, co-visitation and weights retrieving through {@code other}, an index
   * over the same item matrix (e.g. {@link io.carousel.engine.retrieval.IvfTopK} built from {@link
   * #rows()}); this one's matrix is then no longer needed.
   *
   * @throws IllegalArgumentException if {@code other} holds another number of items
   */
  public WideAndDeep withRetrieval(Retrieval other) {
    if (other.numItems() != numItems) {
      throw new IllegalArgumentException(
          "the index holds " + other.numItems() + " items, the model " + numItems);
    }
    return new WideAndDeep(other, logitScale, coVisitation, weights, coldTransfer);
  }

  /** Returns the index retrieval runs through (exact unless {@link #withRetrieval} chose one). */
  public Retrieval retrieval() {
    return retrieval;
  }

  /** Returns the same towers and co-visitation with other weights (sharing the item matrix). */
  public WideAndDeep withWeights(WideWeights other) {
    return new WideAndDeep(retrieval, logitScale, coVisitation, other, coldTransfer);
  }

  /**
   * Returns the item matrix, the only full copy the model holds (column-blocked): rows are gathered
   * from it, {@code float[dim]} each.
   */
  public ItemRows rows() {
    return retrieval;
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
    return coldTransfer.extend(
        coVisitation.terms(coVisitedOnly(history), weights.knn(), weights.next()));
  }

  /**
   * Returns {@code history} without the items past the co-visitation's (a synthetic catalogue
   * extension): they have no co-visitation lists, so they add nothing to the wide term.
   */
  private int[] coVisitedOnly(int[] history) {
    int n = coVisitation.numItems();
    if (numItems == n) {
      return history;
    }
    int[] out = new int[history.length];
    int m = 0;
    for (int h : history) {
      if (h < n) {
        out[m++] = h;
      }
    }
    return m == out.length ? history : Arrays.copyOf(out, m);
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
    return retrieval.scoreAll(session, logitScale);
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
    // Rows are independent (the wide terms use a per-thread scratch), so they are computed in
    // parallel with the same values.
    java.util.stream.IntStream.range(0, sessions.length)
        .parallel()
        .forEach(
            b -> {
              out[b] = towerLogits(sessions[b]);
              addWide(histories[b], out[b]);
            });
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
    if (weights.isNone()) {
      return retrieval.search(sessions, k, exclude, logitScale);
    }
    if (histories.length != sessions.length) {
      throw new IllegalArgumentException("sessions and histories differ in length");
    }
    // The wide terms first, so that the scan records the tower logits of their items on the way.
    CoVisitation.Terms[] wide = new CoVisitation.Terms[sessions.length];
    int[][] capture = new int[sessions.length][];
    float[][] captured = new float[sessions.length][];
    for (int b = 0; b < sessions.length; b++) {
      wide[b] = wideTerms(histories[b]);
      capture[b] = wide[b].items();
      captured[b] = new float[capture[b].length];
    }
    TopN[] tower = retrieval.search(sessions, k, exclude, logitScale, capture, captured);
    TopN[] out = new TopN[sessions.length];
    for (int b = 0; b < sessions.length; b++) {
      IntPredicate ex = exclude == null ? null : exclude[b];
      out[b] = rescoreUnion(wide[b], captured[b], tower[b], k[b], ex);
    }
    return out;
  }

  /**
   * Rescores {tower top-k} ∪ {items with a wide term} and returns the best k. Primitive arrays
   * only: the union is a few thousand items per request (history × M neighbours), so boxed lists, a
   * hash set and a comparator sort cost more than the wide term itself. {@code wideLogits[p]} is
   * the tower logit of {@code wide.items()[p]}, and a tower item's logit is its tower score: both
   * from the scan, the same float operations as {@link #towerLogits}.
   */
  private TopN rescoreUnion(
      CoVisitation.Terms wide, float[] wideLogits, TopN tower, int k, IntPredicate exclude) {
    int[] wideItems = wide.items();
    float[] wideValues = wide.values();
    int[] towerItems = tower.items();
    // The tower items, sorted, to find those that also have a wide term (k is small).
    int[] towerSorted = towerItems.clone();
    Arrays.sort(towerSorted);
    boolean[] towerDone = new boolean[towerSorted.length];
    // One key per union item: descending score, then ascending item id (the tie rule of
    // TopN.select), as one ascending long; the score's bits come back out of the key.
    long[] keys = new long[wideItems.length + towerItems.length];
    int n = 0;
    for (int p = 0; p < wideItems.length; p++) {
      int j = wideItems[p];
      if (exclude != null && exclude.test(j)) {
        continue;
      }
      int t = Arrays.binarySearch(towerSorted, j);
      if (t >= 0) {
        towerDone[t] = true;
      }
      keys[n++] = key(wideLogits[p] + wideValues[p], j);
    }
    for (int pos = 0; pos < towerItems.length; pos++) {
      int j = towerItems[pos];
      int t = Arrays.binarySearch(towerSorted, j);
      if (!towerDone[t]) {
        towerDone[t] = true;
        keys[n++] = key(tower.scores()[pos], j);
      }
    }
    Arrays.sort(keys, 0, n);
    int m = 0;
    int[] outIds = new int[Math.min(k, n)];
    float[] outScores = new float[outIds.length];
    for (int p = 0; p < n && m < outIds.length; p++) {
      float score = score(keys[p]);
      if (Float.isNaN(score)) {
        continue;
      }
      outIds[m] = (int) keys[p];
      outScores[m++] = score;
    }
    return new TopN(Arrays.copyOf(outIds, m), Arrays.copyOf(outScores, m));
  }

  /**
   * Returns a key whose ascending order is {@code Float.compare} descending on the score, then
   * ascending on the item: the high half is the bitwise complement of the score's bits mapped to an
   * int order that matches {@code Float.compare} (NaN canonical and largest, -0 below +0).
   */
  private static long key(float score, int item) {
    int f = Float.floatToIntBits(score);
    int ordered = f ^ ((f >> 31) & 0x7fffffff);
    return ((long) ~ordered << 32) | item;
  }

  /** Returns the score of a {@link #key} (bit for bit; NaN canonical). */
  private static float score(long key) {
    int ordered = ~(int) (key >>> 32);
    return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
  }
}
