package io.carousel.engine.privacy;

import io.carousel.engine.wide.CoVisitation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The DP build of the wide term's statistics ({@link CoVisitation}) and of the training popularity,
 * in one release of budget (ε, δ):
 *
 * <ol>
 *   <li>clipping ({@link Contribution}): each user contributes their most recent C distinct items
 *       and P distinct consecutive pairs, each counted once;
 *   <li>one Gaussian mechanism on the concatenated count vector — item counts |U_i| (≤ C ones),
 *       unordered co-occurrence counts |U_i ∩ U_j| (≤ C(C−1)/2 ones) and transition counts c(i → j)
 *       (≤ P ones) — whose L2 sensitivity is Δ₂ = √(C + C(C−1)/2 + P), σ from the analytic
 *       calibration at (ε, δ/2) ({@link Noise#gaussianSigma});
 *   <li>item counts are released for every catalogue item (the catalogue is public); a pair is
 *       released only when its noisy count reaches τ = 1 + σ Φ⁻¹(1 − (δ/2)/K), K = C(C−1)/2 + P
 *       ({@link Noise#threshold}), so pairs that only one user has stay hidden except with
 *       probability δ/2 (Gaussian partition selection).
 * </ol>
 *
 * <p>Everything after is post-processing of the released counts (no further budget): cosine = noisy
 * |U_i ∩ U_j| / √(max(1, ñ_i) max(1, ñ_j)), transition = noisy c(i → j) / Σ of i's released
 * transitions, top M per item as {@link CoVisitation#build}. The whole release is (ε, δ)-DP with a
 * user as the unit (add/remove one user's sequence).
 */
public final class PrivateCoVisitation {

  /**
   * The release.
   *
   * @param coVisitation the wide statistics built from the noisy counts
   * @param itemCounts noisy distinct-user counts per item, clamped at 0, rounded (the training
   *     popularity in DP mode)
   * @param sigma the Gaussian noise σ
   * @param threshold τ, the release threshold of a pair count
   * @param l2Sensitivity Δ₂
   * @param releasedPairs co-occurrence and transition pairs released
   * @param candidatePairs pairs with a non-zero clipped count before the threshold
   */
  public record Result(
      CoVisitation coVisitation,
      long[] itemCounts,
      double sigma,
      double threshold,
      double l2Sensitivity,
      int releasedPairs,
      int candidatePairs) {

    /** Returns the mechanism, human-readable (for the accountant and logs). */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "Gaussian, L2 sensitivity %.2f, sigma %.3f, pair threshold %.2f; %d of %d pairs released",
          l2Sensitivity,
          sigma,
          threshold,
          releasedPairs,
          candidatePairs);
    }
  }

  private PrivateCoVisitation() {}

  /**
   * Builds the statistics under {@code dp}'s budget and clipping, recording the release in {@code
   * accountant}.
   *
   * @param sequences per user, item indices in time order
   * @throws IllegalArgumentException if DP is off in {@code dp} or an index is out of range
   */
  public static Result build(
      List<int[]> sequences,
      int numItems,
      int maxNeighbours,
      DpSettings dp,
      Noise noise,
      PrivacyAccountant accountant) {
    if (!dp.enabled()) {
      throw new IllegalArgumentException("DP is off: use CoVisitation.build");
    }
    int c = dp.maxItemsPerUser();
    int p = dp.maxTransitionsPerUser();
    long pairKeysPerUser = (long) c * (c - 1) / 2 + p;
    double l2 = Math.sqrt(c + (double) c * (c - 1) / 2 + p);
    double sigma = Noise.gaussianSigma(l2, dp.budget().epsilon(), dp.budget().delta() / 2);
    double tau =
        Noise.threshold(
            sigma,
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, pairKeysPerUser)),
            dp.budget().delta() / 2);

    long[] counts = new long[numItems];
    LongList co = new LongList();
    LongList tr = new LongList();
    for (int[] s : sequences) {
      for (int i : s) {
        if (i < 0 || i >= numItems) {
          throw new IllegalArgumentException("item index " + i + " outside [0, " + numItems + ")");
        }
      }
      int[] set = Contribution.recentDistinct(s, c);
      for (int a = 0; a < set.length; a++) {
        counts[set[a]]++;
        for (int b = a + 1; b < set.length; b++) {
          co.add((long) set[a] * numItems + set[b]);
        }
      }
      for (long key : Contribution.recentTransitions(s, p, numItems)) {
        tr.add(key);
      }
    }
    // Dense release over the public catalogue: every item gets noise, seen or not.
    double[] noisyCounts = new double[numItems];
    long[] released = new long[numItems];
    for (int i = 0; i < numItems; i++) {
      noisyCounts[i] = Math.max(0, counts[i] + noise.gaussian(sigma));
      released[i] = Math.round(noisyCounts[i]);
    }
    Lists cos = new Lists(numItems);
    int[] candidates = {0};
    int[] kept = {0};
    runs(
        co.sorted(),
        (key, count) -> {
          candidates[0]++;
          double v = count + noise.gaussian(sigma);
          if (v >= tau) {
            kept[0]++;
            int i = (int) (key / numItems);
            int j = (int) (key % numItems);
            float w =
                (float) (v / Math.sqrt(Math.max(1, noisyCounts[i]) * Math.max(1, noisyCounts[j])));
            cos.add(i, j, w);
            cos.add(j, i, w);
          }
        });
    Lists next = new Lists(numItems);
    runs(
        tr.sorted(),
        (key, count) -> {
          candidates[0]++;
          double v = count + noise.gaussian(sigma);
          if (v >= tau) {
            kept[0]++;
            next.add((int) (key / numItems), (int) (key % numItems), (float) v);
          }
        });
    next.normaliseRows();
    CoVisitation result =
        CoVisitation.fromNeighbours(
            numItems, maxNeighbours, cos.ids(), cos.weights(), next.ids(), next.weights());
    Result r = new Result(result, released, sigma, tau, l2, kept[0], candidates[0]);
    accountant.record(
        "training statistics: item counts (popularity), co-occurrence and transition counts of"
            + " the wide term",
        r.describe(),
        dp.budget());
    return r;
  }

  private interface RunConsumer {
    void accept(long key, int count);
  }

  // Runs of equal keys in a sorted array are the counts.
  private static void runs(long[] keys, RunConsumer out) {
    int q = 0;
    while (q < keys.length) {
      int end = q;
      while (end < keys.length && keys[end] == keys[q]) {
        end++;
      }
      out.accept(keys[q], end - q);
      q = end;
    }
  }

  private static final class LongList {
    long[] a = new long[1024];
    int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    long[] sorted() {
      long[] r = Arrays.copyOf(a, n);
      Arrays.sort(r);
      return r;
    }
  }

  /** Per-item growable neighbour lists. */
  private static final class Lists {
    final int[][] ids;
    final float[][] w;
    final int[] n;

    Lists(int numItems) {
      ids = new int[numItems][];
      w = new float[numItems][];
      n = new int[numItems];
      for (int i = 0; i < numItems; i++) {
        ids[i] = new int[0];
        w[i] = new float[0];
      }
    }

    void add(int i, int j, float weight) {
      if (n[i] == ids[i].length) {
        int cap = Math.max(4, ids[i].length * 2);
        ids[i] = Arrays.copyOf(ids[i], cap);
        w[i] = Arrays.copyOf(w[i], cap);
      }
      ids[i][n[i]] = j;
      w[i][n[i]++] = weight;
    }

    void normaliseRows() {
      for (int i = 0; i < n.length; i++) {
        double total = 0;
        for (int t = 0; t < n[i]; t++) {
          total += w[i][t];
        }
        for (int t = 0; t < n[i]; t++) {
          w[i][t] = (float) (w[i][t] / total);
        }
      }
    }

    int[][] ids() {
      int[][] r = new int[n.length][];
      for (int i = 0; i < n.length; i++) {
        r[i] = Arrays.copyOf(ids[i], n[i]);
      }
      return r;
    }

    float[][] weights() {
      float[][] r = new float[n.length][];
      for (int i = 0; i < n.length; i++) {
        r[i] = Arrays.copyOf(w[i], n[i]);
      }
      return r;
    }
  }
}
