package io.carousel.engine.simulation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A 95 % confidence interval for the ratio of two policies' hits on the same replay, by a cluster
 * bootstrap over users: resample users with replacement and recompute {@code Σ a_u / Σ b_u}
 * (percentile interval; Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3;
 * resampling whole users because one user's steps are not independent, Davison & Hinkley,
 * "Bootstrap Methods and their Application", 1997, §3.8). Both policies ran on the same steps, so
 * the pairing by user removes the users' own difficulty from the spread. It measures how much the
 * ratio depends on which users happened to be in the log; the policies' own randomness is a
 * separate source (the {@code --seeds} option).
 */
public final class RatioBootstrap {
  private RatioBootstrap() {}

  /**
   * Returns {@code {lo, hi}}, the 2.5 % and 97.5 % quantiles of the resampled ratio; resamples
   * whose denominator is 0 are skipped (NaN, NaN when all are).
   *
   * @param a {@code int[users]} hits of the numerator policy per user
   * @param b {@code int[users]} hits of the denominator policy per user
   * @param resamples bootstrap resamples, at least 1
   * @param seed seeds the resampling
   * @throws IllegalArgumentException if the lengths differ, are 0, or {@code resamples < 1}
   */
  public static double[] interval95(int[] a, int[] b, int resamples, long seed) {
    if (a.length != b.length || a.length == 0 || resamples < 1) {
      throw new IllegalArgumentException(
          "need equal, non-empty per-user hit arrays and resamples >= 1");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] ratios = new double[resamples];
    int kept = 0;
    for (int r = 0; r < resamples; r++) {
      long sa = 0;
      long sb = 0;
      for (int i = 0; i < a.length; i++) {
        int u = rng.nextInt(a.length);
        sa += a[u];
        sb += b[u];
      }
      if (sb > 0) {
        ratios[kept++] = (double) sa / sb;
      }
    }
    if (kept == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] sorted = Arrays.copyOf(ratios, kept);
    Arrays.sort(sorted);
    return new double[] {quantile(sorted, 0.025), quantile(sorted, 0.975)};
  }

  private static double quantile(double[] sorted, double q) {
    int i = (int) Math.floor(q * (sorted.length - 1));
    return sorted[Math.min(sorted.length - 1, Math.max(0, i))];
  }
}
