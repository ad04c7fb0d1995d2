package io.carousel.offline.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;

/**
 * 95 % confidence intervals for comparing two models or policies measured on the same users, by a
 * paired cluster bootstrap over users: resample users with replacement, recompute the statistic
 * from both sides' per-user values, take the 2.5 % and 97.5 % quantiles (percentile interval; Efron
 * & Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3; whole users are resampled because
 * one user's steps are not independent, Davison & Hinkley, "Bootstrap Methods and their
 * Application", 1997, §3.8). Pairing removes the users' own difficulty from the spread. It measures
 * how much the comparison depends on which users happened to be in the log, not the models' own
 * randomness (seeds).
 */
public final class PairedBootstrap {
  private PairedBootstrap() {}

  /**
   * Returns {@code {lo, hi}} of {@code Σ a_u / Σ b_u}; resamples with {@code Σ b_u = 0} are skipped
   * ({NaN, NaN} when all are).
   *
   * @param a {@code int[users]} e.g. hits of the numerator policy per user
   * @param b {@code int[users]} the denominator's, same users in the same order
   * @throws IllegalArgumentException if the lengths differ, are 0, or {@code resamples < 1}
   */
  public static double[] ratioOfSums95(int[] a, int[] b, int resamples, long seed) {
    double[] da = Arrays.stream(a).asDoubleStream().toArray();
    double[] db = Arrays.stream(b).asDoubleStream().toArray();
    return interval95(da, db, resamples, seed, (sa, sb) -> sb > 0 ? sa / sb : Double.NaN);
  }

  /**
   * Returns {@code {lo, hi}} of {@code mean(a) − mean(b)}, e.g. the NDCG@10 difference of two
   * models over the same users.
   *
   * @param a {@code double[users]} per-user values of the first model
   * @param b {@code double[users]} the second's, same users in the same order
   * @throws IllegalArgumentException if the lengths differ, are 0, or {@code resamples < 1}
   */
  public static double[] meanDifference95(double[] a, double[] b, int resamples, long seed) {
    int n = a.length;
    return interval95(a, b, resamples, seed, (sa, sb) -> (sa - sb) / n);
  }

  private static double[] interval95(
      double[] a, double[] b, int resamples, long seed, DoubleBinaryOperator statOfSums) {
    if (a.length != b.length || a.length == 0 || resamples < 1) {
      throw new IllegalArgumentException(
          "need equal, non-empty per-user arrays and resamples >= 1");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] stats = new double[resamples];
    int kept = 0;
    for (int r = 0; r < resamples; r++) {
      double sa = 0;
      double sb = 0;
      for (int i = 0; i < a.length; i++) {
        int u = rng.nextInt(a.length);
        sa += a[u];
        sb += b[u];
      }
      double s = statOfSums.applyAsDouble(sa, sb);
      if (!Double.isNaN(s)) {
        stats[kept++] = s;
      }
    }
    if (kept == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] sorted = Arrays.copyOf(stats, kept);
    Arrays.sort(sorted);
    return new double[] {quantile(sorted, 0.025), quantile(sorted, 0.975)};
  }

  private static double quantile(double[] sorted, double q) {
    int i = (int) Math.floor(q * (sorted.length - 1));
    return sorted[Math.min(sorted.length - 1, Math.max(0, i))];
  }
}
