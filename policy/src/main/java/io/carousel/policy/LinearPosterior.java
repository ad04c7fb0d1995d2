package io.carousel.policy;

import java.util.Arrays;

/**
 * Bayesian linear-regression posterior of one user's linear contextual bandit, kept as the inverse
 * design matrix and the reward-weighted feature sum.
 *
 * <p>The model is {@code r = xᵀθ + noise} with the ridge/Gaussian prior {@code A₀ = λI}; after
 * observations {@code (x_t, r_t)} the design matrix is {@code A = A₀ + Σ x_t x_tᵀ}, {@code b = b₀ +
 * Σ r_t x_t} and the posterior mean is {@code θ = A⁻¹b} (Li et al. 2010, "A Contextual-Bandit
 * Approach to Personalized News Article Recommendation", §3.1; Agrawal &amp; Goyal 2013, §2.2).
 * Only {@code A⁻¹} is stored; each observation applies a Sherman–Morrison rank-1 update in O(k²).
 *
 * <p>Immutable by convention: accessors return the internal arrays for speed, callers must not
 * mutate them, and every method returns a new instance instead of changing {@code this}.
 *
 * @param dim feature dimension k, at least 1
 * @param aInv {@code A⁻¹}, row-major {@code double[dim * dim]}, symmetric positive definite
 * @param b reward-weighted feature sum {@code double[dim]}
 * @param updates number of observations folded in since the prior, at least 0
 */
public record LinearPosterior(int dim, double[] aInv, double[] b, long updates) {

  /** Validates shapes; throws IllegalArgumentException on a non-positive dim or wrong lengths. */
  public LinearPosterior {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (aInv == null || aInv.length != dim * dim) {
      throw new IllegalArgumentException(
          "aInv must have dim*dim = "
              + dim * dim
              + " entries, got "
              + (aInv == null ? "null" : aInv.length));
    }
    if (b == null || b.length != dim) {
      throw new IllegalArgumentException(
          "b must have dim = " + dim + " entries, got " + (b == null ? "null" : b.length));
    }
    if (updates < 0) {
      throw new IllegalArgumentException("updates must be >= 0, got " + updates);
    }
  }

  /** Returns the prior A = λI, b = 0; throws IllegalArgumentException if dim < 1 or λ <= 0. */
  public static LinearPosterior prior(int dim, double lambda) {
    return globalPrior(new double[Math.max(dim, 0)], dim, lambda);
  }

  /**
   * Returns a shared prior for new users, A = strength·I and b = strength·meanTheta, so the
   * posterior mean starts at {@code meanTheta} ({@code double[dim]}) with precision {@code
   * strength}; throws IllegalArgumentException on a length mismatch or strength <= 0.
   */
  public static LinearPosterior globalPrior(double[] meanTheta, int dim, double strength) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if (!(strength > 0) || Double.isInfinite(strength)) {
      throw new IllegalArgumentException("prior strength must be finite and > 0, got " + strength);
    }
    if (meanTheta.length != dim) {
      throw new IllegalArgumentException(
          "meanTheta has " + meanTheta.length + " entries, expected dim = " + dim);
    }
    double[] aInv = new double[dim * dim];
    double[] b = new double[dim];
    double inv = 1.0 / strength;
    for (int i = 0; i < dim; i++) {
      aInv[i * dim + i] = inv;
      b[i] = strength * meanTheta[i];
    }
    return new LinearPosterior(dim, aInv, b, 0);
  }

  /**
   * Returns a prior with per-feature precision, A = diag(precision), b = A·meanTheta, so the mean
   * starts at {@code meanTheta} ({@code double[dim]}) and feature i is held to it with precision
   * {@code precision[i]} (ridge regression with per-coefficient penalties; Hoerl &amp; Kennard
   * 1970, "Ridge Regression", §2); throws IllegalArgumentException on a length mismatch or a
   * precision that is not finite and > 0.
   */
  public static LinearPosterior diagonalPrior(double[] meanTheta, double[] precision) {
    int dim = meanTheta.length;
    if (dim == 0 || precision.length != dim) {
      throw new IllegalArgumentException(
          "need 1 <= meanTheta.length == precision.length, got " + dim + ", " + precision.length);
    }
    double[] aInv = new double[dim * dim];
    double[] b = new double[dim];
    for (int i = 0; i < dim; i++) {
      if (!(precision[i] > 0) || Double.isInfinite(precision[i])) {
        throw new IllegalArgumentException("precision must be finite and > 0, got " + precision[i]);
      }
      aInv[i * dim + i] = 1.0 / precision[i];
      b[i] = precision[i] * meanTheta[i];
    }
    return new LinearPosterior(dim, aInv, b, 0);
  }

  /**
   * Returns the posterior after observing reward {@code reward} for context {@code x} ({@code
   * float[dim]}): Sherman–Morrison {@code (A + xxᵀ)⁻¹ = A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x)} in
   * O(k²), b += r·x, updates + 1 (Sherman &amp; Morrison 1950); throws IllegalArgumentException on
   * a dimension mismatch or a non-finite reward.
   */
  public LinearPosterior updated(float[] x, double reward) {
    checkDim(x);
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("reward must be finite, got " + reward);
    }
    int k = dim;
    // u = A⁻¹x; A⁻¹ is symmetric, so xᵀA⁻¹ = uᵀ.
    double[] u = new double[k];
    double denom = 1.0;
    for (int i = 0; i < k; i++) {
      double s = 0;
      int row = i * k;
      for (int j = 0; j < k; j++) {
        s += aInv[row + j] * x[j];
      }
      u[i] = s;
      denom += x[i] * s;
    }
    double[] next = new double[k * k];
    double scale = 1.0 / denom;
    for (int i = 0; i < k; i++) {
      double ui = u[i] * scale;
      int row = i * k;
      for (int j = 0; j < k; j++) {
        next[row + j] = aInv[row + j] - ui * u[j];
      }
    }
    // Re-symmetrise so rounding cannot drift A⁻¹ away from symmetric over many updates.
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        double avg = 0.5 * (next[i * k + j] + next[j * k + i]);
        next[i * k + j] = avg;
        next[j * k + i] = avg;
      }
    }
    double[] nextB = b.clone();
    for (int i = 0; i < k; i++) {
      nextB[i] += reward * x[i];
    }
    return new LinearPosterior(k, next, nextB, updates + 1);
  }

  /** Returns the posterior mean θ = A⁻¹b as a new {@code double[dim]}. */
  public double[] mean() {
    double[] theta = new double[dim];
    for (int i = 0; i < dim; i++) {
      double s = 0;
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        s += aInv[row + j] * b[j];
      }
      theta[i] = s;
    }
    return theta;
  }

  /**
   * Returns the posterior mean score xᵀθ for {@code x} ({@code float[dim]}) in O(k²) without
   * allocating; throws IllegalArgumentException on a dimension mismatch.
   */
  public double meanScore(float[] x) {
    checkDim(x);
    double score = 0;
    for (int i = 0; i < dim; i++) {
      double s = 0;
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        s += aInv[row + j] * b[j];
      }
      score += x[i] * s;
    }
    return score;
  }

  /**
   * Returns the posterior variance factor xᵀA⁻¹x (multiply by the noise variance v² for the score
   * variance) for {@code x} ({@code float[dim]}); throws IllegalArgumentException on a mismatch.
   */
  public double variance(float[] x) {
    checkDim(x);
    double q = 0;
    for (int i = 0; i < dim; i++) {
      double s = 0;
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        s += aInv[row + j] * x[j];
      }
      q += x[i] * s;
    }
    return q;
  }

  /**
   * Returns this posterior moved onto another diagonal prior, possibly of another dimension: the
   * data statistics {@code S = A − diag(fromPrecision)} and {@code c = b − diag(fromPrecision)·
   * fromMean} are recovered from the prior this posterior started at (both {@code double[dim]}),
   * truncated or zero-padded to {@code toPrecision.length} features (a dropped feature's data are
   * forgotten; an added feature counts as 0 in every past observation), and put on the new prior:
   * {@code A' = diag(toPrecision) + S}, {@code b' = diag(toPrecision)·toMean + c}, updates kept.
   * Exact up to rounding, O(k³) (two SPD inversions by Cholesky). Throws IllegalArgumentException
   * on mismatched lengths or a precision that is not finite and > 0.
   */
  public LinearPosterior rebased(
      double[] fromPrecision, double[] fromMean, double[] toPrecision, double[] toMean) {
    if (fromPrecision.length != dim || fromMean.length != dim) {
      throw new IllegalArgumentException("old prior must have " + dim + " entries");
    }
    int to = toPrecision.length;
    if (to < 1 || toMean.length != to) {
      throw new IllegalArgumentException("new prior needs matching, non-empty lengths");
    }
    for (double v : toPrecision) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("precision must be finite and > 0, got " + v);
      }
    }
    double[] a = inverseSpd(aInv, dim);
    double[] nextA = new double[to * to];
    double[] nextB = new double[to];
    int keep = Math.min(dim, to);
    for (int i = 0; i < keep; i++) {
      for (int j = 0; j < keep; j++) {
        nextA[i * to + j] = a[i * dim + j];
      }
      nextA[i * to + i] -= fromPrecision[i];
      nextB[i] = b[i] - fromPrecision[i] * fromMean[i];
    }
    for (int i = 0; i < to; i++) {
      nextA[i * to + i] += toPrecision[i];
      nextB[i] += toPrecision[i] * toMean[i];
    }
    return new LinearPosterior(to, inverseSpd(nextA, to), nextB, updates);
  }

  /** Returns the inverse of the symmetric positive definite {@code a} ({@code double[k*k]}). */
  static double[] inverseSpd(double[] a, int k) {
    double[] l = LinearThompsonSlatePolicy.cholesky(a, k);
    double[] inv = new double[k * k];
    double[] e = new double[k];
    for (int col = 0; col < k; col++) {
      java.util.Arrays.fill(e, 0);
      e[col] = 1;
      double[] x = PooledPrior.solveWithCholesky(l, e, k);
      for (int row = 0; row < k; row++) {
        inv[row * k + col] = x[row];
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < i; j++) {
        double avg = 0.5 * (inv[i * k + j] + inv[j * k + i]);
        inv[i * k + j] = avg;
        inv[j * k + i] = avg;
      }
    }
    return inv;
  }

  /** Returns true if {@code o} is a LinearPosterior with equal dim, updates and array contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof LinearPosterior p
        && dim == p.dim
        && updates == p.updates
        && Arrays.equals(aInv, p.aInv)
        && Arrays.equals(b, p.b);
  }

  /** Returns a hash over dim, updates and the array contents, consistent with equals. */
  @Override
  public int hashCode() {
    int h = Integer.hashCode(dim);
    h = 31 * h + Long.hashCode(updates);
    h = 31 * h + Arrays.hashCode(aInv);
    return 31 * h + Arrays.hashCode(b);
  }

  /** Returns a debug string with the array contents. */
  @Override
  public String toString() {
    return "LinearPosterior[dim="
        + dim
        + ", updates="
        + updates
        + ", aInv="
        + Arrays.toString(aInv)
        + ", b="
        + Arrays.toString(b)
        + "]";
  }

  private void checkDim(float[] x) {
    if (x.length != dim) {
      throw new IllegalArgumentException(
          "context has " + x.length + " features, posterior dim is " + dim);
    }
  }
}
