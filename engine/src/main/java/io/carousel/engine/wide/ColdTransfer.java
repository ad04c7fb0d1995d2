package io.carousel.engine.wide;

import io.carousel.engine.retrieval.ExactTopK;
import io.carousel.engine.retrieval.TopN;
import java.util.Arrays;

/**
 * Gives items without co-visitation a wide term from their nearest warm items in the model's
 * item-vector space, so that the wide term of {@link WideAndDeep} does not push content-only (cold)
 * items out of every slate.
 *
 * <p>An item is <em>cold</em> here when it has no co-visitation data: its own co-occurrence and
 * transition lists are both empty, i.e. it occurs in no fit sequence of length &gt; 1 (an item that
 * co-occurs with another, or follows one, is on its own cosine list's other side, so empty own
 * lists also mean no other item ever gives it a wide term). Every other item is <em>warm</em>. For
 * a cold item {@code j} with item vector {@code v_j} and its {@code T} nearest warm items {@code
 * N_T(j)} by cosine (dot product of the L2-normalised vectors; ties to the lower index):
 *
 * <pre>
 * wide(j)  = Σ_{w ∈ N_T(j)} α(j, w) · wide(w)
 * α(j, w)  = max(0, cos(v_j, v_w)) / Σ_{w' ∈ N_T(j)} max(0, cos(v_j, v_w'))   (0 if the sum is 0)
 * </pre>
 *
 * a similarity-weighted average of its neighbours' wide terms (logit units, as those are). This is
 * a simple neighbour average in the spirit of mapping item attributes to the collaborative part of
 * a model for items without interactions (Gantner et al., "Learning Attribute-to-Feature Mappings
 * for Cold-Start Recommendations", ICDM 2010, who map item attributes to the latent features of a
 * factorization model trained without them; Schein et al., "Methods and Metrics for Cold-Start
 * Recommendations", SIGIR 2002, who combine content and collaborative data for new items); it is
 * neither of their methods: it averages the co-visitation score of the current history, not latent
 * factors, over neighbours in the towers' item-vector space. Cold items with text get their vectors
 * from the item tower's text path; a cold item with the zero vector has all cosines 0 and no term.
 *
 * <p>Stored as a reverse index, warm {@code w} → {@code [(cold j, α(j, w))]} (CSR, {@code offsets
 * int[numItems + 1]}, {@code ids int[nnz]}, {@code alphas float[nnz]}, nnz &lt;= T · cold items),
 * so the term of one history costs {@code O(Σ_{w with a wide term} |reverse(w)|)}. Build: exact
 * k-NN of every cold item over every warm item, {@code O(cold · warm · dim)} multiply-adds through
 * {@link ExactTopK}. Past {@link #MAX_BUILD_WORK} the neighbours are searched among the {@code W =
 * max(T, MAX_BUILD_WORK / (cold · dim))} warm items with the most co-visitation neighbours instead
 * of among all (logged): for a 1M-item catalogue with 10 % cold items and dim 64, all warm items
 * would be about 5.8e12 multiply-adds (tens of minutes on one core); the 3,125 busiest ones are
 * 2e10. The busiest items carry most of the wide terms a history gives, so a cold item's nearest
 * busy item is where its transferred term matters most. Immutable and thread-safe.
 */
public final class ColdTransfer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ColdTransfer.class);

  /** Default T, the warm neighbours per cold item; fixed before any evaluation run. */
  public static final int DEFAULT_NEIGHBOURS = 10;

  /** Largest {@code cold · warm · dim} built (about 10 s of scalar Java on one core). */
  public static final long MAX_BUILD_WORK = 20_000_000_000L;

  private final int numItems;
  private final int coldItems;
  private final int[] offsets;
  private final int[] ids;
  private final float[] alphas;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(0));

  private ColdTransfer(int numItems, int coldItems, int[] offsets, int[] ids, float[] alphas) {
    this.numItems = numItems;
    this.coldItems = coldItems;
    this.offsets = offsets;
    this.ids = ids;
    this.alphas = alphas;
  }

  /** Returns a transfer that gives no item a term (numItems items, no reverse entries). */
  static ColdTransfer none(int numItems) {
    return new ColdTransfer(numItems, 0, new int[numItems + 1], new int[0], new float[0]);
  }

  /**
   * Builds the reverse index.
   *
   * @param items {@code float[numItems][dim]} L2-normalised item vectors (zero rows allowed)
   * @param coVisitation the wide statistics over the same items; decides which items are cold
   * @param neighbours T, warm neighbours per cold item, at least 1
   * @param maxWork largest {@code cold · warm · dim} to search; above it only the busiest warm
   *     items
   * @throws IllegalArgumentException if neighbours &lt; 1 or the sizes disagree
   */
  public static ColdTransfer build(
      float[][] items, CoVisitation coVisitation, int neighbours, long maxWork) {
    int n = items.length;
    if (neighbours < 1 || coVisitation.numItems() != n) {
      throw new IllegalArgumentException(
          "need T >= 1 and co-visitation over the "
              + n
              + " items: T "
              + neighbours
              + ", "
              + coVisitation.numItems());
    }
    boolean[] cold = new boolean[n];
    int numCold = 0;
    for (int i = 0; i < n; i++) {
      cold[i] = !coVisitation.hasNeighbours(i);
      numCold += cold[i] ? 1 : 0;
    }
    int numWarm = n - numCold;
    if (numCold == 0 || numWarm == 0) {
      return none(n);
    }
    int dim = items[0].length;
    int[] candidates = warmCandidates(cold, numWarm, coVisitation, neighbours, dim, maxWork);
    float[][] warmVectors = new float[candidates.length][];
    for (int c = 0; c < candidates.length; c++) {
      warmVectors[c] = items[candidates[c]];
    }
    int[] coldIds = new int[numCold];
    float[][] queries = new float[numCold][];
    for (int i = 0, c = 0; i < n; i++) {
      if (cold[i]) {
        coldIds[c] = i;
        queries[c++] = items[i];
      }
    }
    int[] k = new int[numCold];
    Arrays.fill(k, Math.min(neighbours, candidates.length));
    TopN[] found = ExactTopK.of(warmVectors, ExactTopK.DEFAULT_CHUNK).search(queries, k, null, 1f);
    TopN[] nearest = new TopN[numCold];
    for (int c = 0; c < numCold; c++) {
      int[] ids = found[c].items().clone();
      for (int t = 0; t < ids.length; t++) {
        ids[t] = candidates[ids[t]];
      }
      nearest[c] = new TopN(ids, found[c].scores());
    }
    return invert(n, coldIds, nearest);
  }

  /**
   * Returns the warm items to search, ascending: all of them when {@code cold · warm · dim <=
   * maxWork}, else the {@code max(T, maxWork / (cold · dim))} with the most co-visitation
   * neighbours (ties to the lower index).
   */
  private static int[] warmCandidates(
      boolean[] cold,
      int numWarm,
      CoVisitation coVisitation,
      int neighbours,
      int dim,
      long maxWork) {
    int numCold = cold.length - numWarm;
    Integer[] warm = new Integer[numWarm];
    for (int i = 0, w = 0; i < cold.length; i++) {
      if (!cold[i]) {
        warm[w++] = i;
      }
    }
    long perWarm = (long) numCold * dim;
    if (perWarm * numWarm <= maxWork) {
      return Arrays.stream(warm).mapToInt(Integer::intValue).toArray();
    }
    int keep = (int) Math.min(numWarm, Math.max(neighbours, maxWork / perWarm));
    Arrays.sort(
        warm,
        (a, b) -> {
          int byCount =
              Integer.compare(coVisitation.neighbourCount(b), coVisitation.neighbourCount(a));
          return byCount != 0 ? byCount : Integer.compare(a, b);
        });
    LOG.info(
        "cold-item wide transfer: {} cold x {} warm items x dim {} exceeds {} multiply-adds;"
            + " searching the {} warm items with the most co-visitation neighbours",
        numCold,
        numWarm,
        dim,
        maxWork,
        keep);
    int[] out = Arrays.stream(warm, 0, keep).mapToInt(Integer::intValue).toArray();
    Arrays.sort(out);
    return out;
  }

  /** Turns per-cold-item neighbour lists into the warm → (cold, α) reverse index. */
  private static ColdTransfer invert(int n, int[] coldIds, TopN[] nearest) {
    int[] counts = new int[n + 1];
    float[][] alpha = new float[coldIds.length][];
    int transferred = 0;
    for (int c = 0; c < coldIds.length; c++) {
      float[] cos = nearest[c].scores();
      float sum = 0;
      for (float s : cos) {
        sum += Math.max(0f, s);
      }
      alpha[c] = new float[cos.length];
      if (!(sum > 0)) {
        continue;
      }
      transferred++;
      for (int t = 0; t < cos.length; t++) {
        alpha[c][t] = Math.max(0f, cos[t]) / sum;
        if (alpha[c][t] > 0) {
          counts[nearest[c].items()[t] + 1]++;
        }
      }
    }
    int[] offsets = new int[n + 1];
    for (int w = 0; w < n; w++) {
      offsets[w + 1] = offsets[w] + counts[w + 1];
    }
    int[] fill = Arrays.copyOf(offsets, n);
    int[] ids = new int[offsets[n]];
    float[] alphas = new float[offsets[n]];
    // Cold items in ascending index order, so each warm item's list is sorted by cold index.
    for (int c = 0; c < coldIds.length; c++) {
      for (int t = 0; t < alpha[c].length; t++) {
        if (alpha[c][t] > 0) {
          int w = nearest[c].items()[t];
          ids[fill[w]] = coldIds[c];
          alphas[fill[w]++] = alpha[c][t];
        }
      }
    }
    return new ColdTransfer(n, transferred, offsets, ids, alphas);
  }

  /** Returns the number of cold items that receive a term (at least one positive cosine). */
  public int coldItems() {
    return coldItems;
  }

  /** Returns the stored (warm, cold, α) entries, a size measure. */
  public int entries() {
    return ids.length;
  }

  /** Returns α(cold, warm), 0 when warm is not among cold's T neighbours with positive cosine. */
  public float alpha(int cold, int warm) {
    for (int p = offsets[warm]; p < offsets[warm + 1]; p++) {
      if (ids[p] == cold) {
        return alphas[p];
      }
    }
    return 0;
  }

  /**
   * Returns {@code warm} followed by the transferred terms of the cold items: for each entry of
   * {@code warm} in its order, {@code wide(j) += α(j, w) · value} over w's reverse list, cold items
   * appended in first-touch order. Same input, bit-identical output (fixed summation order), which
   * is what keeps {@link WideAndDeep#scoreAll} and {@link WideAndDeep#topN} equal.
   *
   * @param warm the co-visitation terms of a history ({@link CoVisitation#terms}); cold items never
   *     occur there
   */
  CoVisitation.Terms extend(CoVisitation.Terms warm) {
    if (ids.length == 0 || warm.items().length == 0) {
      return warm;
    }
    Scratch s = scratch.get();
    if (s.acc.length != numItems) {
      s = new Scratch(numItems);
      scratch.set(s);
    }
    int n = 0;
    for (int p = 0; p < warm.items().length; p++) {
      int w = warm.items()[p];
      float v = warm.values()[p];
      for (int q = offsets[w]; q < offsets[w + 1]; q++) {
        int j = ids[q];
        if (!s.touched[j]) {
          s.touched[j] = true;
          s.order[n++] = j;
        }
        s.acc[j] += alphas[q] * v;
      }
    }
    if (n == 0) {
      return warm;
    }
    int m = warm.items().length;
    int[] items = Arrays.copyOf(warm.items(), m + n);
    float[] values = Arrays.copyOf(warm.values(), m + n);
    for (int t = 0; t < n; t++) {
      int j = s.order[t];
      items[m + t] = j;
      values[m + t] = s.acc[j];
      s.acc[j] = 0;
      s.touched[j] = false;
    }
    return new CoVisitation.Terms(items, values);
  }

  /** Per-thread dense accumulators, reset after every {@link #extend} call. */
  private static final class Scratch {
    final float[] acc;
    final boolean[] touched;
    final int[] order;

    Scratch(int numItems) {
      acc = new float[numItems];
      touched = new boolean[numItems];
      order = new int[numItems];
    }
  }
}
