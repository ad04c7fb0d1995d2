package io.carousel.engine.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Vector-multiplication session-based kNN, V-SKNN (Ludewig and Jannach, "Evaluation of
 * Session-based Recommendation Algorithms", UMUAI 2018, §3.2; Ludewig et al., "Empirical analysis
 * of session-based recommendation algorithms", UMUAI 2021 (arXiv 2019), where it matches or beats
 * the neural models). For the current session {@code s}: the candidate neighbours are the {@code
 * sampleSize} most recent fit sessions sharing an item with {@code s}; each gets {@code sim(s, n) =
 * Σ_{i ∈ s ∩ n} w(i)} with {@code w} decaying with the item's distance {@code d} from the end of
 * {@code s} ({@code w = 1 / (d + 1)}, the "div" weighting; repeats count at their latest position);
 * the {@code k} most similar neighbours vote, {@code score(j) = Σ_{n ∈ N_k(s), j ∈ n} sim(s, n)}.
 * Fit sessions are in time order (a later index is more recent).
 *
 * <p>With a {@code positionDecay} λ above 0 a neighbour's items vote by their distance from the
 * neighbour's match, as in STAN (Garg et al., SIGIR 2019, its λ3): the match is the shared item
 * latest in {@code s}, and an item {@code q} places from it in the neighbour votes {@code sim ·
 * exp(-q / λ)}, so the items seen next to what the shopper looks at now count more. λ = 0 is plain
 * V-SKNN.
 */
public final class SessionKnn implements Recommender {
  private final int k;
  private final int sampleSize;
  private final float positionDecay;
  private int numItems;
  private int[][] sessions = new int[0][];
  private int[][] sessionsOf = new int[0][];

  /**
   * Creates the model.
   *
   * @param k neighbours that vote
   * @param sampleSize most recent candidate sessions considered
   */
  public SessionKnn(int k, int sampleSize) {
    this(k, sampleSize, 0);
  }

  /**
   * Creates the model with STAN's position weighting of a neighbour's items.
   *
   * @param positionDecay λ of {@code exp(-q / λ)}, 0 for none (plain V-SKNN)
   */
  public SessionKnn(int k, int sampleSize, float positionDecay) {
    if (k < 1 || sampleSize < 1 || !(positionDecay >= 0)) {
      throw new IllegalArgumentException(
          "k and sampleSize must be at least 1 and positionDecay at least 0");
    }
    this.k = k;
    this.sampleSize = sampleSize;
    this.positionDecay = positionDecay;
  }

  @Override
  public String name() {
    return "v-sknn";
  }

  /** Returns λ of the neighbour position weighting, 0 for none. */
  public float positionDecay() {
    return positionDecay;
  }

  /** Returns the settings, human-readable. */
  public String describe() {
    return "k="
        + k
        + ", sample="
        + sampleSize
        + ", weights 1/(d+1)"
        + (positionDecay > 0 ? ", neighbour position decay " + positionDecay : "");
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
    sessions = new int[sequences.size()][];
    int[] count = new int[numItems];
    for (int u = 0; u < sessions.length; u++) {
      sessions[u] = Arrays.stream(sequences.get(u)).distinct().toArray();
      for (int i : sessions[u]) {
        count[i]++;
      }
    }
    sessionsOf = new int[numItems][];
    for (int i = 0; i < numItems; i++) {
      sessionsOf[i] = new int[count[i]];
    }
    int[] fill = new int[numItems];
    for (int u = 0; u < sessions.length; u++) {
      for (int i : sessions[u]) {
        sessionsOf[i][fill[i]++] = u; // ascending: most recent last
      }
    }
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][];
    float[] weight = new float[numItems];
    for (int b = 0; b < users.length; b++) {
      out[b] = score(histories[b], weight);
    }
    return out;
  }

  private float[] score(int[] history, float[] weight) {
    float[] row = new float[numItems];
    if (history.length == 0) {
      return row;
    }
    for (int d = history.length - 1; d >= 0; d--) {
      int i = history[history.length - 1 - d];
      weight[i] = 1f / (d + 1); // the latest position wins for a repeated item
    }
    int[] distinct = Arrays.stream(history).distinct().toArray();
    // Candidates: the most recent sessions containing any item of the history.
    int total = 0;
    for (int i : distinct) {
      total += sessionsOf[i].length;
    }
    int[] candidates = new int[total];
    int n = 0;
    for (int i : distinct) {
      System.arraycopy(sessionsOf[i], 0, candidates, n, sessionsOf[i].length);
      n += sessionsOf[i].length;
    }
    Arrays.sort(candidates);
    int unique = 0;
    for (int p = 0; p < n; p++) {
      if (unique == 0 || candidates[unique - 1] != candidates[p]) {
        candidates[unique++] = candidates[p];
      }
    }
    int from = Math.max(0, unique - sampleSize);
    int m = unique - from;
    long[] keyed = new long[m];
    for (int c = 0; c < m; c++) {
      int u = candidates[from + c];
      float sim = 0;
      for (int i : sessions[u]) {
        sim += weight[i];
      }
      // Sort by similarity descending, then more recent first: key = (sim bits, session id).
      keyed[c] = ((long) Float.floatToIntBits(sim) << 32) | (u & 0xffffffffL);
    }
    Arrays.sort(keyed);
    for (int c = m - 1; c >= Math.max(0, m - k); c--) {
      float sim = Float.intBitsToFloat((int) (keyed[c] >>> 32));
      int[] nb = sessions[(int) keyed[c]];
      if (positionDecay == 0) {
        for (int j : nb) {
          row[j] += sim;
        }
        continue;
      }
      int match = 0;
      float best = -1;
      for (int q = 0; q < nb.length; q++) {
        if (weight[nb[q]] > best) {
          best = weight[nb[q]];
          match = q;
        }
      }
      for (int q = 0; q < nb.length; q++) {
        row[nb[q]] += sim * (float) Math.exp(-Math.abs(q - match) / positionDecay);
      }
    }
    for (int i : history) {
      weight[i] = 0;
    }
    return row;
  }
}
