package io.carousel.policy;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGenerator.SplittableGenerator;

/**
 * Linear Thompson sampling slate policy: draw θ̃ ~ N(μ, v²·A⁻¹) from the posterior, rank the
 * candidates by xᵀθ̃ (ties to the lower index) and show the top {@code slateSize} (Agrawal &amp;
 * Goyal 2013, "Thompson Sampling for Contextual Bandits with Linear Payoffs", §2.2, Algorithm 1,
 * extended to slates by taking the top of one draw).
 *
 * <p>The draw is θ̃ = μ + v·L·z with z ~ N(0, I) and L the lower Cholesky factor of A⁻¹; if A⁻¹ is
 * numerically not positive definite a jitter of 1e−12·mean(diag), growing tenfold, is added to the
 * diagonal until the factorisation succeeds.
 *
 * <p>Propensity: {@code propensities[j]} estimates the marginal probability P(rank_j(θ̃) =
 * chosen[j]) that a fresh posterior draw puts the chosen candidate in slot j (not conditioned on
 * slots 0..j−1). It is the hit frequency over M = {@code monteCarloDraws} further draws from a
 * generator split from {@code rng} (so a seeded rng gives the same slate and propensities), floored
 * at 1/(2M) so that it is never 0; its standard error is sqrt(p(1 − p)/M), e.g. at most 0.016 for M
 * = 1000. Cost per call is O(k³ + M·(k² + n·k + n·log slateSize)). Stateless and thread-safe.
 */
public final class LinearThompsonSlatePolicy implements SlatePolicy {

  /** Identifier logged with every slate. */
  public static final String ID = "linear-ts";

  private static final int MAX_JITTER_STEPS = 12;

  private final double v;
  private final int monteCarloDraws;

  /**
   * Creates the policy with exploration scale {@code v} (> 0, the posterior standard-deviation
   * multiplier) and M = {@code monteCarloDraws} (>= 1) propensity draws; throws
   * IllegalArgumentException otherwise.
   */
  public LinearThompsonSlatePolicy(double v, int monteCarloDraws) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("v must be finite and > 0, got " + v);
    }
    if (monteCarloDraws < 1) {
      throw new IllegalArgumentException("monteCarloDraws must be >= 1, got " + monteCarloDraws);
    }
    this.v = v;
    this.monteCarloDraws = monteCarloDraws;
  }

  /** Returns the exploration scale v. */
  public double v() {
    return v;
  }

  /** Returns M, the number of Monte Carlo draws per propensity estimate. */
  public int monteCarloDraws() {
    return monteCarloDraws;
  }

  /** Returns {@code "linear-ts"}. */
  @Override
  public String id() {
    return ID;
  }

  /**
   * Returns the top of one posterior draw with Monte Carlo marginal propensities; throws
   * IllegalArgumentException as {@link SlatePolicy#choose} documents.
   */
  @Override
  public Slate choose(
      LinearPosterior posterior, float[][] candidateFeatures, int slateSize, RandomGenerator rng) {
    int len = SlateArgs.checkedSlateLength(posterior, candidateFeatures, slateSize);
    int k = posterior.dim();
    int n = candidateFeatures.length;
    double[] mu = posterior.mean();
    double[] chol = cholesky(posterior.aInv(), k);
    double[] z = new double[k];
    double[] theta = new double[k];
    double[] scores = new double[n];
    int[] chosen = new int[len];

    drawScores(mu, chol, candidateFeatures, rng, z, theta, scores);
    TopK.select(scores, len, null, chosen);

    RandomGenerator mc =
        rng instanceof SplittableGenerator s ? s.split() : new SplittableRandom(rng.nextLong());
    int[] ranked = new int[len];
    int[] hits = new int[len];
    for (int m = 0; m < monteCarloDraws; m++) {
      drawScores(mu, chol, candidateFeatures, mc, z, theta, scores);
      TopK.select(scores, len, null, ranked);
      for (int j = 0; j < len; j++) {
        if (ranked[j] == chosen[j]) {
          hits[j]++;
        }
      }
    }
    double[] propensities = new double[len];
    double floor = 0.5 / monteCarloDraws;
    for (int j = 0; j < len; j++) {
      propensities[j] = Math.max(floor, (double) hits[j] / monteCarloDraws);
    }
    return new Slate(chosen, propensities);
  }

  // θ̃ = μ + v·L·z, then scores[i] = x_iᵀθ̃.
  private void drawScores(
      double[] mu,
      double[] chol,
      float[][] features,
      RandomGenerator rng,
      double[] z,
      double[] theta,
      double[] scores) {
    int k = mu.length;
    for (int i = 0; i < k; i++) {
      z[i] = rng.nextGaussian();
    }
    for (int i = 0; i < k; i++) {
      double s = 0;
      int row = i * k;
      for (int j = 0; j <= i; j++) {
        s += chol[row + j] * z[j];
      }
      theta[i] = mu[i] + v * s;
    }
    for (int c = 0; c < features.length; c++) {
      float[] x = features[c];
      double s = 0;
      for (int d = 0; d < k; d++) {
        s += x[d] * theta[d];
      }
      scores[c] = s;
    }
  }

  /**
   * Returns the lower Cholesky factor L (row-major {@code double[k * k]}) of the symmetric {@code
   * a}, adding diagonal jitter if needed; throws IllegalStateException if even the largest jitter
   * fails (e.g. NaN entries).
   */
  static double[] cholesky(double[] a, int k) {
    double meanDiag = 0;
    for (int i = 0; i < k; i++) {
      meanDiag += a[i * k + i];
    }
    meanDiag = Math.max(Math.abs(meanDiag / k), Double.MIN_NORMAL);
    double[] l = new double[k * k];
    double jitter = 0;
    for (int step = 0; step <= MAX_JITTER_STEPS; step++) {
      if (tryCholesky(a, k, jitter, l)) {
        return l;
      }
      jitter = jitter == 0 ? 1e-12 * meanDiag : jitter * 10;
    }
    throw new IllegalStateException("posterior covariance A⁻¹ is not positive definite");
  }

  private static boolean tryCholesky(double[] a, int k, double jitter, double[] l) {
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * k + j];
        for (int p = 0; p < j; p++) {
          s -= l[i * k + p] * l[j * k + p];
        }
        if (i == j) {
          s += jitter;
          if (!(s > 0)) {
            return false;
          }
          l[i * k + i] = Math.sqrt(s);
        } else {
          l[i * k + j] = s / l[j * k + j];
        }
      }
    }
    return true;
  }
}
