package io.carousel.engine.wide;

import java.util.Arrays;
import java.util.List;

/**
 * The "wide" part of the wide-and-deep scorer (Cheng et al., "Wide &amp; Deep Learning for
 * Recommender Systems", DLRS 2016, §3.1): sparse item-to-item co-visitation statistics from the
 * training sequences, kept next to the SavedModel ({@link io.carousel.engine.model.ModelFolder}
 * reads and writes the file, in the layout of {@link CoVisitationFile}).
 *
 * <p>Two neighbour lists per item, each the top {@code maxNeighbours} by weight (ties: lower item
 * index), stored CSR-like ({@code offsets int[numItems + 1]}, {@code ids int[nnz]}, {@code weights
 * float[nnz]}), never a dense {@code numItems²} matrix:
 *
 * <ul>
 *   <li>co-occurrence cosine {@code |U_i ∩ U_j| / sqrt(|U_i| |U_j|)} over the sequences that
 *       contain each item (Sarwar et al., WWW 2001, §3.1.2; what the item-knn baseline computes
 *       densely), no self-similarity;
 *   <li>first-order transition probability {@code P(next = j | current = i) = c(i → j) / Σ_j' c(i →
 *       j')} over consecutive pairs of the sequences (the Markov baseline's counts, normalised per
 *       source item; Rendle et al., WWW 2010, §3).
 * </ul>
 *
 * <p>Build time {@code O(Σ_u |S_u|² + nnz log nnz)}, memory {@code O(events + numItems ·
 * maxNeighbours)}. Immutable and thread-safe.
 */
public final class CoVisitation {
  /** Default neighbours kept per item and list. */
  public static final int DEFAULT_NEIGHBOURS = 200;

  private final int numItems;
  private final int maxNeighbours;
  private final Csr cosine;
  private final Csr next;

  /** One neighbour list per item: {@code ids[offsets[i] .. offsets[i + 1])}, best first. */
  record Csr(int[] offsets, int[] ids, float[] weights) {}

  private CoVisitation(int numItems, int maxNeighbours, Csr cosine, Csr next) {
    this.numItems = numItems;
    this.maxNeighbours = maxNeighbours;
    this.cosine = cosine;
    this.next = next;
  }

  /**
   * Builds the statistics.
   *
   * @param sequences per user (session), item indices in time order
   * @param numItems catalogue size; every index is in {@code [0, numItems)}
   * @param maxNeighbours neighbours kept per item and list, at least 1
   * @throws IllegalArgumentException if an index is out of range or maxNeighbours &lt; 1
   */
  public static CoVisitation build(List<int[]> sequences, int numItems, int maxNeighbours) {
    if (maxNeighbours < 1 || numItems < 0) {
      throw new IllegalArgumentException(
          "need maxNeighbours >= 1 and numItems >= 0: " + maxNeighbours + ", " + numItems);
    }
    int[][] sets = new int[sequences.size()][];
    int[] userCount = new int[numItems];
    long pairs = 0;
    for (int u = 0; u < sets.length; u++) {
      int[] s = sequences.get(u);
      for (int i : s) {
        if (i < 0 || i >= numItems) {
          throw new IllegalArgumentException(
              "item index " + i + " outside [0, " + numItems + ") in sequence " + u);
        }
      }
      sets[u] = Arrays.stream(s).distinct().sorted().toArray();
      for (int i : sets[u]) {
        userCount[i]++;
      }
      pairs += Math.max(0, s.length - 1);
    }
    return new CoVisitation(
        numItems,
        maxNeighbours,
        cosine(sets, userCount, numItems, maxNeighbours),
        transitions(sequences, pairs, numItems, maxNeighbours));
  }

  private static Csr cosine(int[][] sets, int[] userCount, int numItems, int maxNeighbours) {
    // Inverted index item -> sequences containing it.
    int[] start = new int[numItems + 1];
    for (int i = 0; i < numItems; i++) {
      start[i + 1] = start[i] + userCount[i];
    }
    int[] users = new int[start[numItems]];
    int[] fill = Arrays.copyOf(start, numItems);
    for (int u = 0; u < sets.length; u++) {
      for (int i : sets[u]) {
        users[fill[i]++] = u;
      }
    }
    int[] co = new int[numItems];
    int[] touched = new int[numItems];
    Builder out = new Builder(numItems, maxNeighbours);
    for (int i = 0; i < numItems; i++) {
      int n = 0;
      for (int p = start[i]; p < start[i + 1]; p++) {
        for (int j : sets[users[p]]) {
          if (j != i && co[j]++ == 0) {
            touched[n++] = j;
          }
        }
      }
      float[] w = new float[n];
      for (int t = 0; t < n; t++) {
        int j = touched[t];
        w[t] = (float) (co[j] / Math.sqrt((double) userCount[i] * userCount[j]));
        co[j] = 0;
      }
      out.add(i, Arrays.copyOf(touched, n), w);
    }
    return out.build();
  }

  private static Csr transitions(
      List<int[]> sequences, long pairs, int numItems, int maxNeighbours) {
    long[] keys = new long[Math.toIntExact(pairs)];
    int k = 0;
    for (int[] s : sequences) {
      for (int t = 1; t < s.length; t++) {
        keys[k++] = (long) s[t - 1] * numItems + s[t];
      }
    }
    Arrays.sort(keys);
    Builder out = new Builder(numItems, maxNeighbours);
    int p = 0;
    for (int i = 0; i < numItems; i++) {
      int from = p;
      long end = (long) (i + 1) * numItems;
      while (p < keys.length && keys[p] < end) {
        p++;
      }
      // Runs of equal keys are the counts c(i -> j).
      int[] ids = new int[p - from];
      float[] counts = new float[p - from];
      int n = 0;
      for (int q = from; q < p; q++) {
        int j = (int) (keys[q] - (long) i * numItems);
        if (n > 0 && ids[n - 1] == j) {
          counts[n - 1]++;
        } else {
          ids[n] = j;
          counts[n++] = 1;
        }
      }
      float total = p - from;
      for (int q = 0; q < n; q++) {
        counts[q] /= total;
      }
      out.add(i, Arrays.copyOf(ids, n), Arrays.copyOf(counts, n));
    }
    return out.build();
  }

  /** Returns the catalogue size the statistics were built for. */
  public int numItems() {
    return numItems;
  }

  /** Returns the neighbours kept per item and list. */
  public int maxNeighbours() {
    return maxNeighbours;
  }

  /** Returns the stored neighbours of both lists together, a size measure. */
  public int storedNeighbours() {
    return cosine.ids().length + next.ids().length;
  }

  /**
   * Returns whether item {@code i} has any co-visitation data: a kept co-occurrence or transition
   * neighbour. Without one, no history ever gives {@code i} a wide term ({@link ColdTransfer}).
   */
  public boolean hasNeighbours(int i) {
    return cosine.offsets()[i + 1] > cosine.offsets()[i]
        || next.offsets()[i + 1] > next.offsets()[i];
  }

  /** Returns how many neighbours item {@code i} keeps, both lists together (a popularity proxy). */
  public int neighbourCount(int i) {
    return cosine.offsets()[i + 1]
        - cosine.offsets()[i]
        + next.offsets()[i + 1]
        - next.offsets()[i];
  }

  /** Returns the kept co-occurrence cosine of (i, j), 0 when j is not among i's neighbours. */
  public float cosine(int i, int j) {
    return weight(cosine, i, j);
  }

  /** Returns the kept transition probability i → j, 0 when j is not among i's successors. */
  public float transition(int i, int j) {
    return weight(next, i, j);
  }

  private static float weight(Csr csr, int i, int j) {
    for (int p = csr.offsets()[i]; p < csr.offsets()[i + 1]; p++) {
      if (csr.ids()[p] == j) {
        return csr.weights()[p];
      }
    }
    return 0;
  }

  /**
   * The sparse wide term of one history: {@code values[t] = wKnn · Σ_{h ∈ distinct(history)} cos(h,
   * items[t]) + wNext · P(items[t] | last history item)} for every item with a kept neighbour
   * relation, in first-touch order; every other item's term is 0.
   *
   * @param items item indices, no repeats
   * @param values their wide terms (logit units when the weights are), same order, each &gt;= 0
   */
  public record Terms(int[] items, float[] values) {}

  private static final Terms NONE = new Terms(new int[0], new float[0]);

  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(0));

  /**
   * Returns the wide term of {@code history} for weights {@code wKnn} (cosine sum over the whole
   * history's distinct items, as item-knn) and {@code wNext} (transition from the last item, as
   * Markov). Summation order is fixed (history order, then the transition), so the same history and
   * weights always give bit-identical values.
   *
   * @param history item indices, most recent last; may be empty (no term)
   * @throws IllegalArgumentException if an index is outside {@code [0, numItems)} or a weight is
   *     negative or not finite
   */
  public Terms terms(int[] history, float wKnn, float wNext) {
    if (!(wKnn >= 0) || !(wNext >= 0) || Float.isInfinite(wKnn) || Float.isInfinite(wNext)) {
      throw new IllegalArgumentException(
          "wide weights must be finite and >= 0: " + wKnn + ", " + wNext);
    }
    for (int h : history) {
      if (h < 0 || h >= numItems) {
        throw new IllegalArgumentException("item index " + h + " outside [0, " + numItems + ")");
      }
    }
    if (history.length == 0 || (wKnn == 0 && wNext == 0)) {
      return NONE;
    }
    Scratch s = scratch.get();
    if (s.knn.length != numItems) {
      s = new Scratch(numItems);
      scratch.set(s);
    }
    int n = 0;
    if (wKnn > 0) {
      for (int t = 0; t < history.length; t++) {
        int h = history[t];
        if (s.seen[h]) {
          continue;
        }
        s.seen[h] = true;
        for (int p = cosine.offsets()[h]; p < cosine.offsets()[h + 1]; p++) {
          int j = cosine.ids()[p];
          if (!s.touched[j]) {
            s.touched[j] = true;
            s.order[n++] = j;
          }
          s.knn[j] += cosine.weights()[p];
        }
      }
      for (int t = 0; t < history.length; t++) {
        s.seen[history[t]] = false;
      }
    }
    if (wNext > 0) {
      int last = history[history.length - 1];
      for (int p = next.offsets()[last]; p < next.offsets()[last + 1]; p++) {
        int j = next.ids()[p];
        if (!s.touched[j]) {
          s.touched[j] = true;
          s.order[n++] = j;
        }
        s.next[j] = next.weights()[p];
      }
    }
    int[] items = Arrays.copyOf(s.order, n);
    float[] values = new float[n];
    for (int t = 0; t < n; t++) {
      int j = items[t];
      values[t] = wKnn * s.knn[j] + wNext * s.next[j];
      s.knn[j] = 0;
      s.next[j] = 0;
      s.touched[j] = false;
    }
    return new Terms(items, values);
  }

  /** Per-thread dense accumulators, reset after every {@link #terms} call. */
  private static final class Scratch {
    final float[] knn;
    final float[] next;
    final boolean[] touched;
    final boolean[] seen;
    final int[] order;

    Scratch(int numItems) {
      knn = new float[numItems];
      next = new float[numItems];
      touched = new boolean[numItems];
      seen = new boolean[numItems];
      order = new int[numItems];
    }
  }

  Csr cosineLists() {
    return cosine;
  }

  Csr nextLists() {
    return next;
  }

  /**
   * Returns statistics from given per-item neighbour weights (the DP build, {@link
   * io.carousel.engine.privacy.PrivateCoVisitation}): {@code cosIds[i]}/{@code cosWeights[i]} and
   * {@code nextIds[i]}/{@code nextWeights[i]} are item i's candidates, each list keeping its top
   * {@code maxNeighbours} by weight (ties: lower index) as {@link #build} does.
   *
   * @throws IllegalArgumentException if a list is out of range, a weight negative or not finite
   */
  public static CoVisitation fromNeighbours(
      int numItems,
      int maxNeighbours,
      int[][] cosIds,
      float[][] cosWeights,
      int[][] nextIds,
      float[][] nextWeights) {
    if (maxNeighbours < 1 || cosIds.length != numItems || nextIds.length != numItems) {
      throw new IllegalArgumentException("need maxNeighbours >= 1 and one list per item");
    }
    Builder cos = new Builder(numItems, maxNeighbours);
    Builder nxt = new Builder(numItems, maxNeighbours);
    for (int i = 0; i < numItems; i++) {
      check(cosIds[i], cosWeights[i], numItems);
      check(nextIds[i], nextWeights[i], numItems);
      cos.add(i, cosIds[i], cosWeights[i]);
      nxt.add(i, nextIds[i], nextWeights[i]);
    }
    return new CoVisitation(numItems, maxNeighbours, cos.build(), nxt.build());
  }

  private static void check(int[] ids, float[] w, int numItems) {
    if (ids.length != w.length) {
      throw new IllegalArgumentException("ids and weights differ in length");
    }
    for (int t = 0; t < ids.length; t++) {
      if (ids[t] < 0 || ids[t] >= numItems || !(w[t] >= 0) || Float.isInfinite(w[t])) {
        throw new IllegalArgumentException(
            "neighbour " + ids[t] + " with weight " + w[t] + " is out of range");
      }
    }
  }

  /** Returns statistics from already validated lists (for {@link CoVisitationFile}). */
  static CoVisitation of(int numItems, int maxNeighbours, Csr cosine, Csr next) {
    return new CoVisitation(numItems, maxNeighbours, cosine, next);
  }

  /** Accumulates per-item lists, keeping each item's top {@code max} by weight. */
  private static final class Builder {
    private final int[] offsets;
    private final int max;
    private int[] ids = new int[1024];
    private float[] weights = new float[1024];
    private int size;

    Builder(int numItems, int max) {
      this.offsets = new int[numItems + 1];
      this.max = max;
    }

    void add(int item, int[] candidates, float[] w) {
      // Key: weight bits (positive floats order like their bits) high, inverted id low, so an
      // ascending sort ends with the best weight and, among equal weights, the lowest id.
      long[] key = new long[candidates.length];
      for (int t = 0; t < candidates.length; t++) {
        key[t] = ((long) Float.floatToIntBits(w[t]) << 32) | (Integer.MAX_VALUE - candidates[t]);
      }
      Arrays.sort(key);
      int keep = Math.min(max, key.length);
      ensure(size + keep);
      for (int t = 0; t < keep; t++) {
        long k = key[key.length - 1 - t];
        ids[size] = Integer.MAX_VALUE - (int) (k & 0xffffffffL);
        weights[size++] = Float.intBitsToFloat((int) (k >>> 32));
      }
      offsets[item + 1] = size;
    }

    private void ensure(int capacity) {
      if (capacity > ids.length) {
        int n = Math.max(capacity, ids.length * 2);
        ids = Arrays.copyOf(ids, n);
        weights = Arrays.copyOf(weights, n);
      }
    }

    Csr build() {
      return new Csr(offsets, Arrays.copyOf(ids, size), Arrays.copyOf(weights, size));
    }
  }
}
