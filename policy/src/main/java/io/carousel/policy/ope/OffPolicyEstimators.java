package io.carousel.policy.ope;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * IPS, SNIPS and DR estimates of an evaluation policy's value from logged slate feedback, with
 * seeded percentile-bootstrap confidence intervals (Efron &amp; Tibshirani 1993, "An Introduction
 * to the Bootstrap", §13.3).
 *
 * <p>Position-aware: every (round, position) row is reweighted by π_e(a_t | x_t, p_t) / π_0(a_t |
 * x_t, p_t), the probability that each policy shows the logged item in the logged slot, and the
 * value is the mean over rows, i.e. expected reward per impression slot. This is the standard
 * treatment of the Open Bandit Dataset (Saito et al. 2021, "Open Bandit Dataset and Pipeline", §4,
 * where {@code action_dist[t, a, p]} plays the role of {@code evalProb}); DR follows Dudík et al.
 * 2011, "Doubly Robust Policy Evaluation and Learning", §3. Rows are resampled independently, so
 * the interval treats rows as i.i.d. Pure functions, thread-safe.
 */
public final class OffPolicyEstimators {

  /** Default number of bootstrap resamples. */
  public static final int DEFAULT_RESAMPLES = 1000;

  private OffPolicyEstimators() {}

  /**
   * Returns the estimate of {@code estimator} with a 95 % interval from {@code resamples} (>= 1)
   * bootstrap resamples drawn with {@code seed}. {@code evalProb} is {@code double[n][nActions]}
   * with evalProb[t][a] = π_e(a | x_t, positions[t]); {@code qHat} is {@code double[n][nActions]}
   * (only read for DR; may be null otherwise); throws IllegalArgumentException on a shape mismatch.
   */
  public static Estimate estimate(
      Estimator estimator,
      LoggedFeedback log,
      double[][] evalProb,
      double[][] qHat,
      int resamples,
      long seed) {
    double[][] terms = terms(estimator, log, evalProb, qHat);
    return bootstrap(terms[0], terms[1], resamples, seed);
  }

  /** Returns all three estimates in enum order, each bootstrapped with the same seed. */
  public static Map<Estimator, Estimate> estimateAll(
      LoggedFeedback log, double[][] evalProb, double[][] qHat, int resamples, long seed) {
    Map<Estimator, Estimate> out = new EnumMap<>(Estimator.class);
    for (Estimator e : Estimator.values()) {
      out.put(e, estimate(e, log, evalProb, qHat, resamples, seed));
    }
    return out;
  }

  /** Returns the point estimate of {@code estimator} on the full sample (no interval). */
  public static double pointEstimate(
      Estimator estimator, LoggedFeedback log, double[][] evalProb, double[][] qHat) {
    double[][] terms = terms(estimator, log, evalProb, qHat);
    return ratio(terms[0], terms[1]);
  }

  /**
   * Returns the per-row numerator and denominator terms {@code double[2][n]} of {@code estimator}
   * as {@link Estimator} documents.
   */
  static double[][] terms(
      Estimator estimator, LoggedFeedback log, double[][] evalProb, double[][] qHat) {
    int n = log.size();
    int na = log.nActions();
    checkTable("evalProb", evalProb, n, na);
    if (estimator == Estimator.DR) {
      checkTable("qHat", qHat, n, na);
    }
    double[] num = new double[n];
    double[] den = new double[n];
    for (int t = 0; t < n; t++) {
      int a = log.actions()[t];
      double w = evalProb[t][a] / log.pscores()[t];
      double r = log.rewards()[t];
      switch (estimator) {
        case IPS -> {
          num[t] = w * r;
          den[t] = 1;
        }
        case SNIPS -> {
          num[t] = w * r;
          den[t] = w;
        }
        case DR -> {
          double direct = 0;
          for (int b = 0; b < na; b++) {
            direct += evalProb[t][b] * qHat[t][b];
          }
          num[t] = direct + w * (r - qHat[t][a]);
          den[t] = 1;
        }
      }
    }
    return new double[][] {num, den};
  }

  /**
   * Returns Σnum/Σden with the 2.5 % and 97.5 % percentiles of {@code resamples} bootstrap ratios
   * (rows drawn with replacement, {@link SplittableRandom} seeded with {@code seed}); a resample
   * whose Σden is 0 counts as 0.
   */
  static Estimate bootstrap(double[] num, double[] den, int resamples, long seed) {
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
    }
    int n = num.length;
    double point = ratio(num, den);
    if (n == 0) {
      return new Estimate(point, point, point);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] stats = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double sn = 0;
      double sd = 0;
      for (int i = 0; i < n; i++) {
        int t = rng.nextInt(n);
        sn += num[t];
        sd += den[t];
      }
      stats[b] = sd == 0 ? 0 : sn / sd;
    }
    Arrays.sort(stats);
    return new Estimate(point, percentile(stats, 0.025), percentile(stats, 0.975));
  }

  // Linear interpolation between order statistics (type 7 of Hyndman & Fan 1996).
  private static double percentile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double ratio(double[] num, double[] den) {
    double sn = 0;
    double sd = 0;
    for (int i = 0; i < num.length; i++) {
      sn += num[i];
      sd += den[i];
    }
    return sd == 0 ? 0 : sn / sd;
  }

  private static void checkTable(String name, double[][] table, int n, int na) {
    if (table == null || table.length != n) {
      throw new IllegalArgumentException(name + " needs " + n + " rows");
    }
    for (int t = 0; t < n; t++) {
      if (table[t] == null || table[t].length != na) {
        throw new IllegalArgumentException(name + " row " + t + " needs " + na + " entries");
      }
    }
  }
}
