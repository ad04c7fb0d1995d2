package io.carousel.policy;

/**
 * A shared prior learned online from every user's feedback, on which each user's posterior is
 * centred: the two-level Gaussian model {@code θ_u ~ N(μ, I/λ_u)}, {@code r = xᵀθ_u + noise} (Hong,
 * Kveton, Zaheer &amp; Ghavamzadeh 2022, "Hierarchical Bayesian Bandits", §3 and §4.1, Gaussian
 * case), with the hyper-posterior of μ approximated by the pooled regression of all users'
 * impressions, a {@link LinearPosterior} with mean μ̄ and covariance Σ̄ = A_g⁻¹ (the shared
 * coefficients of Li et al. 2010, "A Contextual-Bandit Approach to Personalized News Article
 * Recommendation", §3.2, with every feature shared).
 *
 * <p>A user keeps only its own data, {@code A_u = λ_u·I + Σ x xᵀ} and {@code B_u = Σ r·x} (a {@link
 * LinearPosterior} from {@link #userStart()}); {@link #forUser} returns the conditional posterior
 * {@code θ_u ~ N(A_u⁻¹(λ_u·μ̄ + B_u), A_u⁻¹ + λ_u²·A_u⁻¹ Σ̄ A_u⁻¹)} (Hong et al. 2022, §4.1), so
 * with no data a user follows the pool with width I/λ_u + Σ̄, and its own clicks pull it away as
 * they accumulate. The approximation ignores the between-user variance in Σ̄ and counts a user's
 * data in both levels; both vanish as the number of users grows. Immutable.
 *
 * @param global the pooled posterior over all users' impressions (dimension k)
 * @param userStrength λ_u, precision of a user's deviation from the pool, > 0
 */
public record PooledPrior(LinearPosterior global, double userStrength) {

  /** Validates; throws IllegalArgumentException if userStrength is not finite and > 0. */
  public PooledPrior {
    if (!(userStrength > 0) || Double.isInfinite(userStrength)) {
      throw new IllegalArgumentException(
          "userStrength must be finite and > 0, got " + userStrength);
    }
  }

  /**
   * Returns the pool before any feedback: global mean {@code meanTheta} ({@code double[dim]}) with
   * precision {@code globalStrength}·I; throws IllegalArgumentException on a bad shape or strength.
   */
  public static PooledPrior create(
      double[] meanTheta, int dim, double globalStrength, double userStrength) {
    return new PooledPrior(
        LinearPosterior.globalPrior(meanTheta, dim, globalStrength), userStrength);
  }

  /**
   * Returns the pool before any feedback with per-feature precision: global mean {@code meanTheta}
   * held with {@code precision} (both {@code double[dim]}), see {@link
   * LinearPosterior#diagonalPrior}; throws IllegalArgumentException on a bad shape or value.
   */
  public static PooledPrior create(double[] meanTheta, double[] precision, double userStrength) {
    return new PooledPrior(LinearPosterior.diagonalPrior(meanTheta, precision), userStrength);
  }

  /** Returns the context dimension k. */
  public int dim() {
    return global.dim();
  }

  /** Returns a new user's data-only statistics: A_u = λ_u·I, B_u = 0. */
  public LinearPosterior userStart() {
    return LinearPosterior.prior(global.dim(), userStrength);
  }

  /** Returns the pool after one impression with context {@code x} ({@code float[k]}), reward r. */
  public PooledPrior updated(float[] x, double reward) {
    return new PooledPrior(global.updated(x, reward), userStrength);
  }

  /**
   * Returns the user's posterior centred on the pool as a {@link LinearPosterior} that any {@link
   * SlatePolicy} accepts: covariance {@code C = A_u⁻¹ + λ_u²·A_u⁻¹ Σ̄ A_u⁻¹} and mean {@code
   * A_u⁻¹(λ_u μ̄ + B_u)}, stored as {@code aInv = C} and {@code b = C⁻¹·mean}; O(k³). Throws
   * IllegalArgumentException if {@code userData} (from {@link #userStart()} plus updates) has
   * another dimension.
   */
  public LinearPosterior forUser(LinearPosterior userData) {
    int k = global.dim();
    if (userData.dim() != k) {
      throw new IllegalArgumentException(
          "user posterior has dim " + userData.dim() + ", pool has " + k);
    }
    double[] ua = userData.aInv();
    double[] mu = global.mean();
    double[] rhs = userData.b().clone();
    for (int i = 0; i < k; i++) {
      rhs[i] += userStrength * mu[i];
    }
    double[] mean = multiply(ua, rhs, k);
    // C = A_u⁻¹ + λ²·A_u⁻¹ Σ̄ A_u⁻¹, symmetric by construction (re-symmetrised against rounding).
    double[] t = multiply(ua, global.aInv(), k, k);
    double[] c = multiply(t, ua, k, k);
    double l2 = userStrength * userStrength;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double v = ua[i * k + j] + l2 * 0.5 * (c[i * k + j] + c[j * k + i]);
        c[i * k + j] = v;
        c[j * k + i] = v;
      }
    }
    double[] b = solveSpd(c, mean, k);
    return new LinearPosterior(k, c, b, userData.updates());
  }

  private static double[] multiply(double[] a, double[] x, int k) {
    double[] y = new double[k];
    for (int i = 0; i < k; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        s += a[i * k + j] * x[j];
      }
      y[i] = s;
    }
    return y;
  }

  private static double[] multiply(double[] a, double[] b, int n, int k) {
    double[] c = new double[n * k];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        if (aip == 0) {
          continue;
        }
        for (int j = 0; j < k; j++) {
          c[i * k + j] += aip * b[p * k + j];
        }
      }
    }
    return c;
  }

  /** Solves C·y = m for symmetric positive definite C by Cholesky (with the TS jitter fallback). */
  static double[] solveSpd(double[] c, double[] m, int k) {
    return solveWithCholesky(LinearThompsonSlatePolicy.cholesky(c, k), m, k);
  }

  /** Solves L·Lᵀ·y = m given the lower Cholesky factor {@code l} ({@code double[k*k]}). */
  static double[] solveWithCholesky(double[] l, double[] m, int k) {
    double[] z = new double[k];
    for (int i = 0; i < k; i++) {
      double s = m[i];
      for (int j = 0; j < i; j++) {
        s -= l[i * k + j] * z[j];
      }
      z[i] = s / l[i * k + i];
    }
    double[] y = new double[k];
    for (int i = k - 1; i >= 0; i--) {
      double s = z[i];
      for (int j = i + 1; j < k; j++) {
        s -= l[j * k + i] * y[j];
      }
      y[i] = s / l[i * k + i];
    }
    return y;
  }
}
